import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A JSSE server that serves one HTTPS connection on 127.0.0.1, on one thread, and ends.
 *
 * <p>Usage: {@code java ServeOnce PROTOCOL need|want}, with the key store and trust store given
 * as {@code javax.net.ssl.*} system properties (the JVM's default SSLContext, as in Fetch.java).
 * PROTOCOL ({@code TLSv1.2} or {@code TLSv1.3}) is the only one enabled; {@code need} sets
 * needClientAuth, {@code want} wantClientAuth. It prints {@code listening on port N}, accepts
 * one connection, completes the handshake, reads the request's head, answers {@code 200} with
 * {@code Connection: close}, then reads until the client closes and closes too: every step
 * waits for the one before, so a javax.net.debug trace comes out in one order. The last line is
 * {@code served PROTOCOL SUITE} or {@code failed CLASS: MESSAGE} (exit status 1).
 */
public class ServeOnce {
    static final int TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        SSLServerSocketFactory factory = (SSLServerSocketFactory) SSLServerSocketFactory.getDefault();
        String result;
        try (SSLServerSocket listener = (SSLServerSocket) factory.createServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.setSoTimeout(TIMEOUT_MS);
            listener.setEnabledProtocols(new String[] {args[0]});
            if (args[1].equals("need")) {
                listener.setNeedClientAuth(true);
            } else {
                listener.setWantClientAuth(true);
            }
            System.out.println("listening on port " + listener.getLocalPort());
            System.out.flush();
            try (SSLSocket tls = (SSLSocket) listener.accept()) {
                tls.setSoTimeout(TIMEOUT_MS);
                result = serve(tls);
            }
        }
        System.out.println(result);
        if (!result.startsWith("served ")) {
            System.exit(1);
        }
    }

    static String serve(SSLSocket tls) {
        try {
            tls.startHandshake();
            SSLSession session = tls.getSession();
            String done = "served " + session.getProtocol() + " " + session.getCipherSuite();
            InputStream in = tls.getInputStream();
            OutputStream out = tls.getOutputStream();
            readHead(in);
            String body = done + "\n";
            String answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
            out.write(answer.getBytes(StandardCharsets.US_ASCII)); // one record
            out.flush();
            while (in.read() != -1) {
                // the client closes once it has the answer (its close_notify ends the stream)
            }
            return done;
        } catch (IOException e) {
            return "failed " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return;
            }
        }
        throw new IOException("the connection ended before the request did");
    }
}
