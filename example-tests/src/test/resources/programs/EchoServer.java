import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Answers each line with "echo: line". Writes its pid and port to the file named by args[0]. */
public class EchoServer {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Path tmp = Path.of(args[0] + ".tmp");
            Files.writeString(tmp, ProcessHandle.current().pid() + " " + server.getLocalPort());
            Files.move(tmp, Path.of(args[0]));
            while (true) {
                try (Socket s = server.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                     PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    out.println("echo: " + in.readLine());
                }
            }
        }
    }
}
