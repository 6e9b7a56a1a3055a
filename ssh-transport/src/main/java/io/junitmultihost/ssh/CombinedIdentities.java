package io.junitmultihost.ssh;

import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import java.util.Vector;

/** Key files first, then ssh-agent's keys: JSch itself offers only one repository. */
final class CombinedIdentities implements IdentityRepository {

    private final IdentityRepository files;
    private final IdentityRepository agent;

    CombinedIdentities(IdentityRepository files, IdentityRepository agent) {
        this.files = files;
        this.agent = agent;
    }

    @Override
    public String getName() {
        return "key files and ssh-agent";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> all = new Vector<>(files.getIdentities());
        try {
            all.addAll(agent.getIdentities());
        } catch (RuntimeException e) {
            // an agent that went away just contributes no keys
        }
        return all;
    }

    @Override
    public boolean add(byte[] identity) {
        return files.add(identity);
    }

    @Override
    public boolean remove(byte[] blob) {
        return files.remove(blob);
    }

    @Override
    public void removeAll() {
        files.removeAll();
    }
}
