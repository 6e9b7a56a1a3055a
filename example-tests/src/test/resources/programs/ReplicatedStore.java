import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One node of a tiny replicated key-value store, the system under test of PartitionedStoreTest.
 * Its promise: a write is acknowledged ("OK") only once a majority of the nodes (itself included)
 * holds it; otherwise the client gets "FAIL". One request per connection, one line each way:
 * PEERS a:p,b:p | PUT key value | REPL key value | KEYS.
 *
 * Usage: java ReplicatedStore.java BIND_ADDRESS. Prints "listening PORT" once it listens.
 */
public class ReplicatedStore {

    private static final int TIMEOUT_MS = 500;

    private static final Map<String, String> DATA = new ConcurrentHashMap<>();
    private static volatile List<String> peers = List.of();
    private static final ExecutorService POOL = Executors.newCachedThreadPool();

    public static void main(String[] args) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(args[0], 0));
        System.out.println("listening " + server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket client = server.accept();
            POOL.execute(() -> serve(client));
        }
    }

    private static void serve(Socket client) {
        try (client;
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String[] request = String.valueOf(in.readLine()).split(" ", 3);
            switch (request[0]) {
                case "PEERS" -> {
                    peers = List.of(request[1].split(","));
                    out.println("OK");
                }
                case "REPL" -> {
                    DATA.put(request[1], request[2]);
                    out.println("OK");
                }
                case "PUT" -> out.println(put(request[1], request[2]));
                case "KEYS" -> out.println(String.join(" ", new TreeMap<>(DATA).keySet()));
                default -> out.println("ERROR unknown request " + request[0]);
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** Stores locally, replicates to every peer at once, and acknowledges only with a majority. */
    private static String put(String key, String value) {
        DATA.put(key, value);
        List<Future<Boolean>> replies = new ArrayList<>();
        for (String peer : peers) {
            replies.add(POOL.submit(() -> replicate(peer, key, value)));
        }
        int acks = 1;
        for (Future<Boolean> reply : replies) {
            try {
                if (reply.get(2 * TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    acks++;
                }
            } catch (Exception e) {
                // not acknowledged
            }
        }
        int nodes = peers.size() + 1;
        return acks > nodes / 2 ? "OK" : "FAIL " + acks + " of " + nodes;
    }

    private static boolean replicate(String peer, String key, String value) {
        String[] address = peer.split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address[0], Integer.parseInt(address[1])), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            out.println("REPL " + key + " " + value);
            return "OK".equals(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine());
        } catch (IOException e) {
            return false;
        }
    }
}
