package io.junitmultihost.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a release to N waiters costs this machine with nothing of ours in it: N loopback TCP
 * connections, one thread writes a 200-byte answer on each, another reads them all through a
 * selector. The time from the first write to the last read is the floor under any server that
 * answers each waiter on its own connection, ours and ZooKeeper alike.
 */
final class LoopbackFloor implements AutoCloseable {

    private static final int ANSWER_BYTES = 200;

    private final int waiters;
    private final ServerSocketChannel listener;
    private final SocketChannel[] serverSide;
    private final SocketChannel[] clientSide;
    private final Selector selector;
    private final ByteBuffer answer = ByteBuffer.allocateDirect(ANSWER_BYTES);
    private volatile Exception readFailure;

    LoopbackFloor(int waiters) throws IOException {
        this.waiters = waiters;
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), waiters);
        serverSide = new SocketChannel[waiters];
        clientSide = new SocketChannel[waiters];
        selector = Selector.open();
        for (int i = 0; i < waiters; i++) {
            clientSide[i] = SocketChannel.open(listener.getLocalAddress());
            serverSide[i] = listener.accept();
            serverSide[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
            clientSide[i].configureBlocking(false);
            clientSide[i].register(selector, SelectionKey.OP_READ);
        }
        while (answer.hasRemaining()) {
            answer.put((byte) 'x');
        }
    }

    /** One release: every answer written and read; returns ms from the first write to the last read. */
    double round() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        long[] lastRead = new long[1];
        Thread reader = new Thread(() -> lastRead[0] = readAll(ready), "floor-reader");
        reader.start();
        ready.await(10, TimeUnit.SECONDS);
        Thread.sleep(200); // the reader sleeps in select, as a waiting client does
        long t0 = System.nanoTime();
        for (SocketChannel s : serverSide) {
            answer.clear();
            s.write(answer);
        }
        reader.join(TimeUnit.SECONDS.toMillis(60));
        if (lastRead[0] == 0) {
            throw new IllegalStateException("The floor's reader did not get all " + waiters + " answers within 60 s.", readFailure);
        }
        return (lastRead[0] - t0) / 1e6;
    }

    private long readAll(CountDownLatch ready) {
        ByteBuffer in = ByteBuffer.allocateDirect(4 * ANSWER_BYTES);
        long[] got = new long[1];
        ready.countDown();
        try {
            while (got[0] < (long) waiters * ANSWER_BYTES) {
                selector.select(key -> {
                    try {
                        in.clear();
                        got[0] += ((SocketChannel) key.channel()).read(in);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, 60_000);
            }
            return System.nanoTime();
        } catch (IOException | RuntimeException e) {
            readFailure = e;
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        for (int i = 0; i < waiters; i++) {
            clientSide[i].close();
            serverSide[i].close();
        }
        listener.close();
    }
}
