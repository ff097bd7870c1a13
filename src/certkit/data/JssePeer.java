import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * OpenJDK's JSSE as a TLS client or server on 127.0.0.1, driven line by line by certkit.jsse.
 *
 * <p>Usage: {@code java JssePeer.java DIR}. DIR holds PKCS #12 files (password {@code changeit});
 * {@code keystore=NAME} and {@code trust=NAME} name {@code DIR/NAME.p12}. One command per line on
 * standard input, one answer per line on standard output:
 *
 * <pre>
 * fetch URL [trust=NAME]                        -> fetch 200 | fetch failed EXCEPTION
 * client PORT [host=H] [protocols=A,B] [ciphers=A,B] [keystore=NAME] [trust=NAME]
 *                                               -> result ...
 * server [protocols=A,B] [ciphers=A,B] [auth=none|required] [keystore=NAME] [trust=NAME]
 *                                               -> listening PORT, then result ...
 * quit
 * </pre>
 *
 * <p>A server takes one connection in the background, so the next command can be a client that
 * connects to it. {@code result client|server ok|failed STEP PROTOCOL SUITE TEXT}: STEP is where
 * it ended ({@code accept}, {@code connect}, {@code handshake}, {@code request}, {@code response} or
 * {@code done}), PROTOCOL and SUITE are {@code -} when no handshake completed, TEXT is the HTTP
 * status line or the exception as {@code class: message}. {@code fetch} uses HttpsURLConnection; {@code client} and
 * {@code server} use an SSLSocket layered on a plain socket (endpoint identification HTTPS on the
 * client) so that, after a failure, the alert is sent and the socket is closed in order: output
 * shut down, input read to its end, then closed.
 */
public class JssePeer {
    static final char[] PASSWORD = "changeit".toCharArray();
    static final int TIMEOUT_MS = 10_000;
    static String dir;

    public static void main(String[] args) throws Exception {
        dir = args[0];
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        say("ready " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.specification.version"));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" +");
            Map<String, String> opts = new HashMap<>();
            for (String word : words) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    opts.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            switch (words[0]) {
                case "fetch":
                    say("fetch " + fetch(words[1], opts));
                    break;
                case "client":
                    say("result client " + client(Integer.parseInt(words[1]), opts));
                    break;
                case "server":
                    server(opts);
                    break;
                case "quit":
                    return;
                default:
                    say("error unknown command " + words[0]);
            }
        }
    }

    static synchronized void say(String text) {
        System.out.println(text.replace('\n', ' ').replace('\r', ' '));
        System.out.flush();
    }

    static String describe(Throwable t) {
        return t.getClass().getName() + ": " + t.getMessage();
    }

    static KeyStore store(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream file = new FileInputStream(dir + "/" + name + ".p12")) {
            store.load(file, PASSWORD);
        }
        return store;
    }

    static SSLContext context(Map<String, String> opts) throws Exception {
        KeyManager[] keys = null;
        String keystore = opts.getOrDefault("keystore", "none");
        if (!keystore.equals("none")) {
            KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store(keystore), PASSWORD);
            keys = kmf.getKeyManagers();
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store(opts.getOrDefault("trust", "trust")));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, tmf.getTrustManagers(), null);
        return context;
    }

    static void restrict(SSLSocket tls, Map<String, String> opts) {
        if (opts.containsKey("protocols")) {
            tls.setEnabledProtocols(opts.get("protocols").split(","));
        }
        if (opts.containsKey("ciphers")) {
            tls.setEnabledCipherSuites(opts.get("ciphers").split(","));
        }
    }

    static String fetch(String url, Map<String, String> opts) {
        try {
            HttpsURLConnection https = (HttpsURLConnection) new URL(url).openConnection();
            https.setSSLSocketFactory(context(opts).getSocketFactory());
            https.setConnectTimeout(TIMEOUT_MS);
            https.setReadTimeout(TIMEOUT_MS);
            int status = https.getResponseCode();
            https.getInputStream().readAllBytes();
            https.disconnect();
            return String.valueOf(status);
        } catch (Exception e) {
            return "failed " + describe(e);
        }
    }

    static String client(int port, Map<String, String> opts) throws Exception {
        String host = opts.getOrDefault("host", "localhost");
        SSLContext context = context(opts);
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
        } catch (IOException e) {
            raw.close();
            return String.join(" ", "failed", "connect", "-", "-", describe(e));
        }
        raw.setSoTimeout(TIMEOUT_MS);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, false);
        tls.setUseClientMode(true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        restrict(tls, opts);
        String request = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        return converse(raw, tls, request.getBytes(StandardCharsets.US_ASCII), null);
    }

    /** Listens, says the port, and serves one connection in the background. */
    static void server(Map<String, String> opts) throws Exception {
        SSLContext context = context(opts);
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.setSoTimeout(TIMEOUT_MS);
        say("listening " + listener.getLocalPort());
        Thread thread = new Thread(() -> {
            String result;
            try (listener; Socket raw = listener.accept()) {
                raw.setSoTimeout(TIMEOUT_MS);
                SSLSocket tls =
                    (SSLSocket) context.getSocketFactory().createSocket(raw, null, false);
                restrict(tls, opts);
                if (opts.getOrDefault("auth", "none").equals("required")) {
                    tls.setNeedClientAuth(true);
                }
                result = converse(raw, tls, null, "JSSE");
            } catch (IOException e) {
                result = String.join(" ", "failed", "accept", "-", "-", describe(e));
            }
            say("result server " + result);
        });
        thread.start();
    }

    /** One HTTP/1.1 exchange: the client sends request, the server answers with its name. */
    static String converse(Socket raw, SSLSocket tls, byte[] request, String serverName) {
        String step = "handshake";
        String protocol = "-";
        String suite = "-";
        try {
            tls.startHandshake();
            SSLSession session = tls.getSession();
            protocol = session.getProtocol();
            suite = session.getCipherSuite();
            OutputStream out = tls.getOutputStream();
            InputStream in = tls.getInputStream();
            String text;
            if (request != null) {
                step = "request";
                out.write(request);
                out.flush();
                step = "response";
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                text = response.split("\r\n", 2)[0];
            } else {
                step = "request";
                readHead(in);
                step = "response";
                byte[] body = (serverName + ": " + protocol + " " + suite + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
                String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                text = "HTTP/1.1 200 OK";
            }
            tls.close();
            return String.join(" ", "ok", "done", protocol, suite, text);
        } catch (Exception e) {
            return String.join(" ", "failed", step, protocol, suite, describe(e));
        } finally {
            linger(raw);
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

    /** Shut the output down, read the input to its end (bounded), then close. */
    static void linger(Socket raw) {
        try {
            if (!raw.isClosed()) {
                raw.shutdownOutput();
                InputStream in = raw.getInputStream();
                byte[] buffer = new byte[4096];
                while (in.read(buffer) != -1) {
                    // discard what the peer still sends until it closes
                }
            }
        } catch (IOException e) {
            // the peer reset the connection or the timeout passed: nothing left to wait for
        } finally {
            try {
                raw.close();
            } catch (IOException e) {
                // closing is all that is left
            }
        }
    }
}
