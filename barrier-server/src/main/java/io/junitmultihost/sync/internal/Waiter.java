package io.junitmultihost.sync.internal;

import java.util.function.Consumer;

/**
 * A request held open until something happens (a release, a key set, an event) or its deadline
 * passes. Exactly one of finish, timeout or drop takes effect.
 */
final class Waiter {

    final Connection connection;
    /** The participant the call was made as, or null. */
    final String participant;
    private final Consumer<String> onDrop;
    private Timer timer;
    private boolean done;

    Waiter(Connection connection, String participant, Consumer<String> onDrop) {
        this.connection = connection;
        this.participant = participant;
        this.onDrop = onDrop;
        connection.await(this);
    }

    void deadline(ServerLoop loop, long at, Runnable onTimeout) {
        timer = loop.schedule(at, () -> {
            if (!done) {
                onTimeout.run();
            }
        });
    }

    boolean done() {
        return done;
    }

    /** Answers the held request; later calls do nothing. */
    void finish(Reply reply) {
        if (done) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel();
        }
        connection.respond(reply);
    }

    /** The client went away before an answer. */
    void dropped(String why) {
        if (done) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel();
        }
        if (onDrop != null) {
            onDrop.accept(why);
        }
    }
}
