"""What a real client needs to connect to a lab server: files and exact command lines.

A [`ClientKit`][certkit.tls.clientkit.ClientKit] writes the root CA and ``Fetch.java`` (and,
when the server asks for a client certificate, the client's chain, key and PKCS #12 file and the
intermediate CA) into a directory, and gives the curl, openssl ``s_client``, keytool and Java
command lines that use them. [`Server`][certkit.tls.serve.Server] makes one for itself; it is
separate so that the server's socket loop and what it tells people stay apart.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from certkit.certificates.pki import LabPKI
from certkit.defaults import STORE_PASSWORD
from certkit.errors import shown
from certkit.files import write_files
from certkit.tls.handshake import Options

__all__ = ["FETCH_JAVA", "HOST", "ClientKit"]

HOST = "127.0.0.1"
"""The only address a lab server listens on."""

FETCH_JAVA = """\
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;

/**
 * Fetches one URL over HTTPS with the JVM's default SSLContext and prints status and body.
 * One thread and one connection, so that a javax.net.debug trace comes out in one order.
 */
public class Fetch {
    public static void main(String[] args) throws Exception {
        HttpsURLConnection connection =
            (HttpsURLConnection) URI.create(args[0]).toURL().openConnection();
        try {
            System.out.println(connection.getResponseCode());
            try (InputStream body = connection.getInputStream()) {
                System.out.print(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            connection.disconnect();
        }
    }
}
"""
"""``Fetch.java``: a one-file Java client (run with ``java Fetch.java URL``, Java 11 or later)."""


class ClientKit:
    """The files and command lines that connect a real client to a lab server.

    Args:
        pki: The lab PKI the server uses.
        options: The server's handshake options (``server_hostname``, ``client_auth``,
            ``tls``, ``server_max`` and ``cipher`` matter here).
        directory: Where to write the files.

    Attributes:
        files: The files written, by name (after [`write`][certkit.tls.clientkit.ClientKit.write]).
    """

    def __init__(self, pki: LabPKI, options: Options, directory: Path) -> None:
        self.pki = pki
        self.options = options
        self.directory = directory
        self.files: dict[str, Path] = {}

    @property
    def mutual(self) -> bool:
        """Whether the server asks for a client certificate."""
        return self.options.client_auth != "none"

    def url(self, port: int) -> str:
        """``https://localhost:PORT/``: the name in the server certificate."""
        return f"https://{self.options.server_hostname}:{port}/"

    def commands(self, port: int) -> dict[str, list[str]]:
        """The command lines that connect to the server on ``port``, as argument lists.

        Args:
            port: The server's port on 127.0.0.1.

        Returns:
            ``curl``, ``openssl`` (``s_client -msg``), ``keytool`` (import the root CA into a
            Java trust store) and ``java`` (run ``Fetch.java`` with that trust store and, for
            client authentication, the client's PKCS #12 file).
        """
        host = self.options.server_hostname
        url = self.url(port)
        port_text = str(port)
        files = {name: str(path) for name, path in self.files.items()}
        mutual = self.mutual
        curl = ["curl", "-v", "--cacert", files["root-ca.pem"]]
        curl += ["--resolve", f"{host}:{port_text}:{HOST}"]
        if mutual:
            curl += ["--cert", files["client-fullchain.pem"], "--key", files["client-key.pem"]]
        curl.append(url)
        openssl = ["openssl", "s_client", "-connect", f"{HOST}:{port_text}", "-servername", host]
        openssl += ["-CAfile", files["root-ca.pem"], "-verify_return_error"]
        if mutual:
            # s_client sends only the first certificate of -cert; the chain goes in -cert_chain.
            openssl += ["-cert", files["client-fullchain.pem"], "-key", files["client-key.pem"]]
            openssl += ["-cert_chain", files["intermediate-ca.pem"]]
        openssl += ["-msg"]
        truststore = str(self.directory / "truststore.p12")
        keytool = ["keytool", "-importcert", "-noprompt", "-alias", "certkit-root"]
        keytool += ["-file", files["root-ca.pem"], "-keystore", truststore]
        keytool += ["-storetype", "PKCS12", "-storepass", STORE_PASSWORD]
        java = ["java", f"-Djavax.net.ssl.trustStore={truststore}"]
        java += [f"-Djavax.net.ssl.trustStorePassword={STORE_PASSWORD}"]
        if mutual:
            java += [
                f"-Djavax.net.ssl.keyStore={files['client.p12']}",
                f"-Djavax.net.ssl.keyStorePassword={STORE_PASSWORD}",
                "-Djavax.net.ssl.keyStoreType=PKCS12",
            ]
        java += ["-Djavax.net.debug=ssl:handshake", files["Fetch.java"], url]
        return {"curl": curl, "openssl": openssl, "keytool": keytool, "java": java}

    def instructions(self, port: int) -> str:
        """How to connect with curl, openssl s_client and Java, ready to copy.

        Args:
            port: The server's port on 127.0.0.1.

        Returns:
            A few lines of text naming the address, the files and the commands.
        """
        commands = self.commands(port)
        versions = {
            "1.2": "TLS 1.2 only",
            "1.3": "TLS 1.3 only",
        }.get(self.options.tls or "", "TLS 1.2 and 1.3")
        if self.options.tls is None and self.options.server_max == "1.2":
            versions = "TLS 1.2 (capped)"
        auth = {
            "none": "no client certificate",
            "optional": "client certificate optional",
            "required": "client certificate required",
        }[self.options.client_auth]
        cipher = f", cipher {self.options.cipher}" if self.options.cipher else ""
        lines = [
            f"certkit serve: listening on {HOST}:{port} as {self.url(port)} "
            f"({versions}{cipher}, {auth})",
            f"files in {shown(self.directory, 200)}: {', '.join(sorted(self.files))}",
            "",
            "curl:",
            f"  {shlex.join(commands['curl'])}",
            "openssl (type a request, or add -ign_eof and pipe one in):",
            f"  {shlex.join(commands['openssl'])}",
            "Java (import the CA once, then run Fetch.java):",
            f"  {shlex.join(commands['keytool'])}",
            f"  {shlex.join(commands['java'])}",
        ]
        return "\n".join(lines)

    def write(self) -> None:
        """Write the files into ``directory`` (key files 0600), all or none, replacing earlier ones.

        Raises:
            InputError: If the directory cannot be made or written, or a file name in it is a
                symbolic link (planted there, it would make certkit write elsewhere).
        """
        files: dict[str, bytes] = {
            "root-ca.pem": self.pki.root.pem.encode("ascii"),
            "Fetch.java": FETCH_JAVA.encode("ascii"),
        }
        if self.mutual:
            files["client-fullchain.pem"] = self.pki.client.fullchain_pem().encode("ascii")
            files["intermediate-ca.pem"] = self.pki.intermediate.pem.encode("ascii")
            files["client-key.pem"] = self.pki.client.key_pem().encode("ascii")
            files["client.p12"] = self.pki.client.pkcs12(STORE_PASSWORD, alias="client")
        written = write_files(
            self.directory,
            files,
            private=lambda name: name.endswith(("-key.pem", ".p12")),
            force=True,
        )
        self.files.update(zip(files, written, strict=True))
