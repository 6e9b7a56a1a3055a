package io.junitmultihost.sync.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.junitmultihost.sync.SyncEvent;
import io.junitmultihost.sync.SyncEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scope's event stream: a bounded ring of the latest events, long-polls waiting for the next
 * ones, and in-process subscribers called on a separate thread so that a slow listener never
 * holds up the server.
 */
final class EventLog {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final SyncEvent[] ring;
    private final Executor dispatcher;
    private long nextSeq = 1;
    private final List<Poll> polls = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    private static final class Poll {
        final Waiter waiter;
        final long after;
        final int max;

        Poll(Waiter waiter, long after, int max) {
            this.waiter = waiter;
            this.after = after;
            this.max = max;
        }
    }

    /** An in-process listener; closing it stops deliveries. */
    static final class Subscriber {
        final Consumer<SyncEvent> listener;
        volatile boolean closed;

        Subscriber(Consumer<SyncEvent> listener) {
            this.listener = listener;
        }
    }

    EventLog(int capacity, Executor dispatcher) {
        this.ring = new SyncEvent[capacity];
        this.dispatcher = dispatcher;
    }

    SyncEvent publish(SyncEventType type, String participant, String subject, String detail) {
        SyncEvent e = new SyncEvent(nextSeq++, Instant.now(), type, participant, subject, detail);
        ring[(int) (e.seq() % ring.length)] = e;
        if (!polls.isEmpty()) {
            for (Iterator<Poll> it = polls.iterator(); it.hasNext(); ) {
                Poll p = it.next();
                if (p.waiter.done()) {
                    it.remove();
                } else if (e.seq() > p.after) {
                    it.remove();
                    p.waiter.finish(reply(p.after, p.max));
                }
            }
        }
        for (Subscriber s : subscribers) {
            deliver(s, e);
        }
        return e;
    }

    private void deliver(Subscriber s, SyncEvent e) {
        dispatcher.execute(() -> {
            if (s.closed) {
                return;
            }
            try {
                s.listener.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("A sync event listener failed on [{}]; it keeps receiving events.", e, ex);
            }
        });
    }

    long lastSeq() {
        return nextSeq - 1;
    }

    long oldestSeq() {
        return Math.max(1, nextSeq - ring.length);
    }

    /** Events after the given sequence number that are still held, at most max. */
    List<SyncEvent> after(long seq, int max) {
        long from = Math.max(seq + 1, oldestSeq());
        List<SyncEvent> out = new ArrayList<>();
        for (long s = from; s < nextSeq && out.size() < max; s++) {
            out.add(ring[(int) (s % ring.length)]);
        }
        return out;
    }

    Reply reply(long after, int max) {
        List<SyncEvent> events = after(after, max);
        long last = events.isEmpty() ? Math.max(after, 0) : events.get(events.size() - 1).seq();
        return Reply.raw(200, Reply.TEXT, Map.of("X-MH-Last-Seq", Long.toString(last),
                "X-MH-Oldest-Seq", Long.toString(oldestSeq())), Wire.events(events));
    }

    /** Answers at once when there are events after the given one, else holds the request until one comes or the timeout. */
    void poll(ServerLoop loop, Connection c, long after, int max, long timeoutNanos) {
        if (after < nextSeq - 1) {
            c.respond(reply(after, max));
            return;
        }
        Waiter w = new Waiter(c, null, why -> { });
        Poll poll = new Poll(w, after, max);
        polls.add(poll);
        w.deadline(loop, loop.now() + timeoutNanos, () -> {
            polls.remove(poll);
            w.finish(reply(after, max));
        });
    }

    /** Adds a listener that first receives the held events after the given one, then every new one, in order. */
    Subscriber subscribe(long after, Consumer<SyncEvent> listener) {
        Subscriber s = new Subscriber(listener);
        for (SyncEvent e : after(after, Integer.MAX_VALUE)) {
            deliver(s, e);
        }
        subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscriber s) {
        s.closed = true;
        subscribers.remove(s);
    }
}
