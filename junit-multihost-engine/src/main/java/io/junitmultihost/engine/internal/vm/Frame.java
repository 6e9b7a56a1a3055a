package io.junitmultihost.engine.internal.vm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * One message between the controller and a remote JVM: a type, a call id and a payload (Java
 * serialization of the value, or UTF-8 text). Frames are length-prefixed; a bad length is refused
 * rather than allocated.
 */
record Frame(Type type, long call, byte[] payload) {

    /** The largest payload accepted: 256 MiB. */
    static final int MAX_PAYLOAD = 256 * 1024 * 1024;

    enum Type {
        /** VM -> controller, first frame: token, logical id, start nonce, pid (text lines). */
        HELLO,
        /** controller -> VM: run the serialized code. */
        INVOKE,
        /** VM -> controller: the serialized result. */
        RESULT,
        /** VM -> controller: the serialized exception (or its text when it does not serialize). */
        FAILURE,
        /** controller -> VM: dump the stack of the thread running call {@code call}, and every thread. */
        DUMP,
        /** VM -> controller: the dump, as text. */
        DUMPED,
        /** controller -> VM: run init tasks of the given run modes (text: "first" or "dynamic"). */
        INIT,
        /** controller -> VM: finish invocations and close tasks, then exit or disconnect (text: the stop mode). */
        STOP,
        /** VM -> controller: the init or stop steps are done (text: what ran). */
        DONE,
        /** VM -> controller: a dynamic action asked for by code in the VM (serialized request). */
        ACTION,
        /** controller -> VM: keep-alive; VM -> controller: the answer. */
        PING,
        /** controller -> VM: the test class ended: run close tasks of run mode ONCE and ALWAYS, then exit. */
        END,
        /** controller -> spare VM: you are now the VM's current start; answered with DONE. */
        PROMOTE,
        /** VM -> controller on a direct connection: the VM's nonce and its proof (see {@link DirectLine}). */
        CHALLENGE,
        /** controller -> VM on a direct connection: the controller's proof (see {@link DirectLine}). */
        PROOF
    }

    void writeTo(DataOutputStream out) throws IOException {
        writeUnflushed(out);
        out.flush();
    }

    /** Writes the frame and leaves it in {@code out}'s buffer, for a trailer to follow in the same packet. */
    void writeUnflushed(DataOutputStream out) throws IOException {
        out.writeByte(type.ordinal());
        out.writeLong(call);
        out.writeInt(payload.length);
        out.write(payload);
    }

    static Frame readFrom(DataInputStream in) throws IOException {
        return readFrom(in, MAX_PAYLOAD);
    }

    /** Reads one frame of at most {@code maxPayload} bytes: a peer not yet authenticated gets a small one. */
    static Frame readFrom(DataInputStream in, int maxPayload) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            throw new EOFException("closed");
        }
        if (kind >= Type.values().length) {
            throw new IOException("Unknown frame type [" + kind + "]: the peer is not a junit-multihost VM of this version.");
        }
        long call = in.readLong();
        int length = in.readInt();
        if (length < 0 || length > maxPayload) {
            throw new IOException("Frame of [" + length + "] bytes refused (at most [" + maxPayload + "]).");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("closed inside a frame");
        }
        return new Frame(Type.values()[kind], call, payload);
    }

    String text() {
        return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }

    static Frame text(Type type, long call, String text) {
        return new Frame(type, call, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
