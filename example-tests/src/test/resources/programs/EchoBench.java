import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends args[2] requests, one connection each, to the echo server at args[0]:args[1]; prints the rate. */
public class EchoBench {
    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(args[2]);
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            try (Socket s = new Socket(args[0], Integer.parseInt(args[1]));
                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                s.setSoTimeout(10_000);
                out.println("request " + i);
                String reply = in.readLine();
                if (!("echo: request " + i).equals(reply)) {
                    throw new IllegalStateException("request " + i + " got [" + reply + "]");
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("requests=%d seconds=%.3f per_second=%.0f%n", requests, seconds, requests / seconds);
    }
}
