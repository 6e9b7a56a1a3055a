package io.junitmultihost.ssh;

import com.jcraft.jsch.UIKeyboardInteractive;
import com.jcraft.jsch.UserInfo;

/** Answers JSch's password and keyboard-interactive prompts with the configured password; says no to anything else. */
final class PasswordOnly implements UserInfo, UIKeyboardInteractive {

    private final String password;

    PasswordOnly(String password) {
        this.password = password;
    }

    @Override
    public String getPassphrase() {
        return null;
    }

    @Override
    public String getPassword() {
        return password;
    }

    @Override
    public boolean promptPassword(String message) {
        return true;
    }

    @Override
    public boolean promptPassphrase(String message) {
        return false;
    }

    @Override
    public boolean promptYesNo(String message) {
        return false;
    }

    @Override
    public void showMessage(String message) {
    }

    @Override
    public String[] promptKeyboardInteractive(String destination, String name, String instruction, String[] prompt,
            boolean[] echo) {
        if (prompt.length == 1 && !echo[0]) {
            return new String[] {password};
        }
        return null;
    }

    @Override
    public String toString() {
        return "PasswordOnly[***]";
    }
}
