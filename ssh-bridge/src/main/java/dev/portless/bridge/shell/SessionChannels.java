package dev.portless.bridge.shell;

import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.shell.InteractiveProcessShellFactory;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;

/**
 * What a {@code session} channel (shell, exec, subsystem) does on the bridge. By default it is
 * refused: a bastion that only forwards has nothing for a user to run. With {@code shell: true} MINA runs
 * {@code /bin/sh} and exec commands as the bridge's own OS user, without a PTY, for debugging; no
 * subsystems (no SFTP) either way.
 */
public final class SessionChannels {

    private SessionChannels() {}

    /** Returns the {@code session} channel factory for the {@code shell} setting. */
    public static ChannelFactory factory(boolean shell) {
        if (shell) {
            return ChannelSessionFactory.INSTANCE;
        }
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "session";
            }

            @Override
            public Channel createChannel(Session session) {
                return new RefusedSessionChannel();
            }
        };
    }

    /** Installs or removes the shell and exec support on {@code server} for the {@code shell} setting. */
    public static void configure(SshServer server, boolean shell) {
        server.setShellFactory(shell ? InteractiveProcessShellFactory.INSTANCE : null);
        server.setCommandFactory(shell ? ProcessShellCommandFactory.INSTANCE : null);
        server.setSubsystemFactories(List.of());
    }
}
