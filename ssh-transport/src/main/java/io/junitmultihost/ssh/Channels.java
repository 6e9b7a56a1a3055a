package io.junitmultihost.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

/** Opens JSch channels, which JSch returns as null when the session went down while it set one up. */
final class Channels {

    private Channels() {
    }

    @SuppressWarnings("unchecked")
    static <C extends Channel> C open(Session session, String type) throws JSchException {
        Channel channel = session.openChannel(type);
        if (channel == null) {
            throw new JSchException("session is down: no " + type + " channel could be opened");
        }
        return (C) channel;
    }
}
