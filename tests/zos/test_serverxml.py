"""server.xml checks (issue 11): each rule on a minimal bad sample, never on the good one; hostile text."""

from __future__ import annotations

import random

import pytest

from certkit.errors import InputError
from certkit.zos.text.findings import Finding
from certkit.zos.text.serverxml import MAX_DEPTH, MAX_FINDINGS, MAX_TEXT_BYTES, as_generation, check

GOOD = """\
<?xml version="1.0" encoding="UTF-8"?>
<server>
  <!-- security for z/OS Connect -->
  <featureManager>
    <feature>appSecurity-2.0</feature>
    <feature>transportSecurity-1.0</feature>
    <feature>zosSecurity-1.0</feature>
  </featureManager>
  <keyStore id="zcKeys" location="safkeyring://ZCSRV1/ZCEE.Ring" type="JCERACFKS"
            password="password" fileBased="false" readOnly="true"/>
  <keyStore id="hwKeys" location="safkeyringhw:///ZCEE.Ring" type="JCECCARACFKS"
            password="password" fileBased="false" readOnly="true"/>
  <ssl id="zcSSL" keyStoreRef="zcKeys" trustStoreRef="hwKeys" sslProtocol="TLSv1.2,TLSv1.3"
       clientAuthentication="true"/>
  <ssl id="batchSSL" keyStoreRef="zcKeys" clientAuthenticationSupported="true"
       clientAuthentication="false" enabledCiphers="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384"/>
  <sslDefault sslRef="zcSSL"/>
  <httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="-1" httpsPort="9443"/>
  <httpEndpoint id="AdminHttpEndpoint" httpPort="-1" httpsPort="9445" sslOptionsRef="batchOptions"/>
  <sslOptions id="batchOptions" sslRef="batchSSL"/>
  <webAppSecurity allowFailOverToBasicAuth="true"/>
  <safRegistry id="saf"/>
  <safCredentials unauthenticatedUser="WSGUEST" profilePrefix="BBGZDFLT"/>
  <safAuthorization racRouteLog="ASIS"/>
  <authFilter id="jwtFilter">
    <requestUrl urlPattern="/zosConnect/apis" matchType="contains"/>
  </authFilter>
  <ltpa expiration="2h" authFilterRef="jwtFilter"/>
  <zosconnect_zosConnectManager requireAuth="true" requireSecure="true"
      globalInterceptorsRef="interceptors" globalInvokeGroup="ZCINVOKE"/>
  <zosconnect_authorizationInterceptor id="auth" safCacheTimeout="600"/>
  <zosconnect_zosConnectInterceptors id="interceptors" interceptorRef="auth"/>
</server>
"""


def _at(findings: list[Finding], line: int, column: int, fragment: str) -> bool:
    return any(
        (f.position.line, f.position.column) == (line, column) and fragment in f.message
        for f in findings
    )


def test_a_correct_server_xml_has_no_findings() -> None:
    assert check(GOOD) == []
    assert check(GOOD, "zosConnect-2.0") == []
    assert check(GOOD.encode()) == []
    assert check(b"\xef\xbb\xbf" + GOOD.encode()) == []  # a BOM, as Windows editors write


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment", "severity"),
    [
        # well-formed XML, with positions
        ('<ssl id="a"', 1, 12, "ends inside", "error"),
        ("<keyStore>\n</ssl>", 2, 3, "does not match <keyStore>", "error"),
        ("<sslDefault/>\nplain words", 2, 1, "text outside any element", "error"),
        ('<sslDefault sslRef="a" sslRef="b"/>', 1, 24, "given twice", "error"),
        ("<sslDefault>&nbsp;</sslDefault>", 1, 13, "undefined entity", "error"),
        # elements and attributes
        ("<sslDefualt/>", 1, 1, "did you mean <sslDefault>", "error"),
        ("<user name='Fred'/>", 1, 1, "goes in <basicRegistry> or <security-role>", "error"),
        ("<webApplication/>", 1, 1, "not an element certkit knows", "warning"),
        ('<jwtConsumer id="j" issuer="i"/>', 1, 1, "documents openidConnectClient", "warning"),
        ('<jwtConsumer id="j" signatureAlgorithm="none"/>', 1, 21, "give one of RS256", "error"),
        (
            '<sslDefault sslRef="s" outbondSSLRef="s"/>\n<ssl id="s" keyStoreRef="k"/>',
            1,
            24,
            "did you mean outboundSSLRef",
            "error",
        ),
        ('<sslDefault color="red"/>', 1, 13, "not an attribute certkit knows", "warning"),
        ('<sslDefault sslref="s"/>', 1, 13, "write sslref as sslRef", "warning"),
        ('<ssl keyStoreRef="k"><keyStore/></ssl>', 1, 22, "does not belong in <ssl>", "warning"),
        ("<ssl id='s'/>", 1, 1, 'needs keyStoreRef="..."', "error"),
        # values for their kind
        ('<webAppSecurity allowFailOverToBasicAuth="yes"/>', 1, 17, '"true" or "false"', "error"),
        ('<ssl keyStoreRef="k" securityLevel="HIGHEST"/>', 1, 22, "give one of HIGH", "error"),
        ('<ssl keyStoreRef="k" securityLevel="high"/>', 1, 22, "write it as listed", "warning"),
        ('<httpEndpoint httpsPort="70000"/>', 1, 15, "from -1 to 65535", "error"),
        ('<ltpa expiration="two hours"/>', 1, 7, "duration", "error"),
        ('<safCredentials unauthenticatedUser="TOOLONGID"/>', 1, 17, "RACF user ID", "error"),
        ('<ssl keyStoreRef="k" enabledCiphers="A,B"/>', 1, 22, "blanks, not commas", "error"),
        ('<ssl keyStoreRef="k" sslProtocol="TLS,TLSv1.2"/>', 1, 22, "CWPKI0832E", "error"),
        ('<ssl keyStoreRef="k" sslProtocol="TLSv9"/>', 1, 22, "CWPKI0831E", "warning"),
        ('<safAuthorization racRouteLog="LOUD"/>', 1, 19, "certkit knows NONE, ASIS", "warning"),
        # references between ids (a whole document: nothing else defines them)
        ('<server><ssl keyStoreRef="missing"/></server>', 1, 14, "no <keyStore> has", "error"),
        ('<ssl keyStoreRef="missing"/>', 1, 6, "another file of the server", "warning"),
        ('<server><sslDefault sslRef="x"/></server>', 1, 21, "no <ssl> has", "error"),
        ('<server><httpEndpoint sslOptionsRef="o"/></server>', 1, 23, "no <sslOptions>", "error"),
        ('<server><mpJwt authFilterRef="f"/></server>', 1, 16, "no <authFilter>", "error"),
        (
            '<server><zosconnect_zosConnectInterceptors interceptorRef="auth,audit"/></server>',
            1,
            44,
            "no <zosconnect_authorizationInterceptor>",
            "error",
        ),
        (
            "<server><ssl id='a' keyStoreRef='k'/><ssl id='a' keyStoreRef='k'/>"
            "<keyStore id='k'/></server>",
            1,
            38,
            "a second <ssl>",
            "error",
        ),
        # SAF key rings
        (
            '<keyStore location="safkeyring://ZCSRV1/R" type="JCECCARACFKS" password="p"'
            ' fileBased="false" readOnly="true"/>',
            1,
            44,
            'needs type="JCERACFKS"',
            "error",
        ),
        (
            '<keyStore location="safkeyringhybrid://ZCSRV1/R" password="p" fileBased="false"'
            ' readOnly="true"/>',
            1,
            1,
            'type="JCEHYBRIDRACFKS", not PKCS12',
            "error",
        ),
        (
            '<keyStore location="/u/zc/key.p12" type="JCERACFKS"/>',
            1,
            36,
            "reads a SAF key ring",
            "error",
        ),
        (
            '<keyStore location="safkeyring://ZCSRV1/R" type="JCERACFKS" password="p"'
            ' readOnly="true"/>',
            1,
            1,
            'fileBased="false"',
            "error",
        ),
        (
            '<keyStore location="safkeyring://ZCSRV1/R" type="JCERACFKS" fileBased="false"'
            ' readOnly="true"/>',
            1,
            1,
            "needs a password",
            "error",
        ),
        (
            '<keyStore location="safkeyring://ZCSRV1/R" type="JCERACFKS" password="p"'
            ' fileBased="false"/>',
            1,
            1,
            'readOnly="true"',
            "warning",
        ),
        (
            '<keyStore location="safkeyring://TOOLONGID/R" type="JCERACFKS" password="p"'
            ' fileBased="false" readOnly="true"/>',
            1,
            11,
            "ring owner",
            "error",
        ),
        (
            '<keyStore location="safkeyring://zcsrv1/R" type="JCERACFKS" password="p"'
            ' fileBased="false" readOnly="true"/>',
            1,
            11,
            "upper case",
            "warning",
        ),
        (
            '<keyStore location="safkeyring://ZCSRV1/" type="JCERACFKS" password="p"'
            ' fileBased="false" readOnly="true"/>',
            1,
            11,
            "names no ring",
            "error",
        ),
        (
            '<keyStore location="safkeyringjce://ZCSRV1/R" type="JCERACFKS" password="p"'
            ' fileBased="false" readOnly="true"/>',
            1,
            11,
            "plain Java programs",
            "error",
        ),
        # known sample defects
        ('<safCredentials Prefix="ATSZDFLT"/>', 1, 17, "the attribute is profilePrefix", "error"),
        (
            '<ssl id="s" keyStoreRef="k" clientAuthentication="true"/>\n'
            '<webAppSecurity allowFailOverToBasicAuth="true"/>',
            1,
            29,
            "fails the TLS handshake",
            "warning",
        ),
        (
            '<webAppSecurity allowAuthenticationFailOverToAuthMethod="APP_DEFINED"/>',
            1,
            17,
            "CLIENT_CERT",
            "warning",
        ),
        (
            '<ssl keyStoreRef="k" securityLevel="HIGH" enabledCiphers="A B"/>',
            1,
            22,
            "ignored",
            "warning",
        ),
        ('<zosconnect_zosConnectManager requireSecure="false"/>', 1, 31, "plain HTTP", "warning"),
        # features the elements need
        (
            "<server><featureManager><feature>appSecurity-2.0</feature></featureManager>"
            "<safRegistry/></server>",
            1,
            76,
            "needs the feature zosSecurity-1.0",
            "warning",
        ),
        ("<featureManager><feature> </feature></featureManager>", 1, 17, "empty", "error"),
    ],
)
def test_each_rule(text: str, line: int, column: int, fragment: str, severity: str) -> None:
    findings = check(text)
    assert any(
        (f.position.line, f.position.column) == (line, column)
        and fragment in f.message
        and f.severity == severity
        for f in findings
    ), [str(f) for f in findings]


def test_failover_is_fine_when_some_endpoint_asks_for_the_certificate_optionally() -> None:
    # The WSC pattern: a mutual default endpoint, and an endpoint of its own for password clients.
    assert not [f for f in check(GOOD) if "handshake" in f.message]


@pytest.mark.parametrize(
    ("text", "generation", "fragment", "severity"),
    [
        ("<zosconnect_authorizationInterceptor id='a'/>", "3.0", "no authorization", "error"),
        (
            "<zosconnect_zosConnectManager/>",
            "zosConnect-3.0",
            "belongs to zosConnect-2.0",
            "warning",
        ),
        (
            '<authorization-roles id="zos.connect.access.roles"/>',
            "3.0",
            "zosConnectAccess, a zosConnect-2.0 role",
            "warning",
        ),
        (
            "<featureManager><feature>zosconnect:oasRequester-1.0</feature></featureManager>",
            "2.0",
            "belongs to zosConnect-3.0",
            "error",
        ),
        (
            "<featureManager><feature>zosconnect:apiRequester-1.0</feature></featureManager>",
            "3.0",
            "belongs to zosConnect-2.0",
            "error",
        ),
    ],
)
def test_elements_of_the_other_generation(
    text: str, generation: str, fragment: str, severity: str
) -> None:
    findings = check(text, generation)
    assert any(fragment in f.message and f.severity == severity for f in findings), findings
    assert not [f for f in check(text) if "zosConnect-2.0" in f.message]  # without a generation


def test_a_generation_must_be_one_of_the_two() -> None:
    assert as_generation("2.0") == as_generation("zosConnect-2.0")
    with pytest.raises(InputError, match=r"zosConnect-2\.0"):
        check("<ssl/>", "4.0")


def test_a_liberty_variable_is_not_judged() -> None:
    assert check('<httpEndpoint httpsPort="${https.port}"/>') == []


def test_a_fragment_keeps_the_readers_lines_and_columns() -> None:
    text = '\n\n    <sslDefault sslRef="a" bogusAttributeName="1"/>'
    [finding] = [f for f in check(text) if "bogus" in f.message]
    assert (finding.position.line, finding.position.column) == (3, 28)
    text = '<?xml version="1.0"?>\n<sslDefault sslRef="a" bogusAttributeName="1"/>'
    [finding] = [f for f in check(text) if "bogus" in f.message]
    assert (finding.position.line, finding.position.column) == (2, 24)


# -- hostile text ------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<server>&lol3;</server>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE server [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<server><variable name="x" value="&xxe;"/></server>
"""

HOSTILE = {
    "empty": "",
    "blank": "  \n\t\n",
    "garbage": "\x00\x01\x02 not xml at all <<<>>>",
    "binary": bytes(range(256)),
    "unbalanced": "<server><ssl><keyStore></ssl></server>",
    "unclosed comment": "<server><!-- never closed",
    "unclosed value": '<ssl id="never closed/>',
    "only an open tag": "<server",
    "two documents": "<server/><server/>",
    "billion laughs": BILLION_LAUGHS,
    "external entity": EXTERNAL,
    "parameter entity": '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1/x">%p;]><x/>',
    "entity alone": '<!ENTITY a "b">',
    "deep nesting": "<a>" * 100_000 + "</a>" * 100_000,
    "deep known nesting": "<authFilter>" * (MAX_DEPTH + 5),
    "not UTF-8": b"<ssl id='\xff\xfe'/>",
    "lone surrogate": "<ssl id='\udcff'/>",
    "CDATA": "<sslDefault><![CDATA[<x>]]></sslDefault>",
    "processing instruction": "<?pi data?><sslDefault/>",
    "namespace prefix": "<a:b xmlns:a='urn:x'/>",
    "long value": '<sslDefault sslRef="' + "x" * 500_000 + '"/>',
    "many elements": "<sslDefault sslRef='nope' color='red'/>\n" * 5000,
    "many lines": "\n" * 200_000 + "<ssl>",
    "huge name left open": "<" + "n" * 100_000 + ">",
    "huge name closed wrongly": "<" + "n" * 100_000 + "></" + "m" * 100_000 + ">",
    "control characters in a name": "<ssl\x1b[2J id='a'/>",
    "right-to-left override": "<ssl id='\u202e'/>",
}


def _within(text: str | bytes, finding: Finding) -> bool:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = text.split("\n")
    line = finding.position.line
    return 1 <= line <= len(lines) and 1 <= finding.position.column <= len(lines[line - 1]) + 1


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_gives_findings_with_positions(name: str) -> None:
    text = HOSTILE[name]
    findings = check(text)
    for finding in findings:
        assert _within(text, finding), (name, str(finding))
        assert "\n" not in finding.message and len(finding.message) <= 300
    if name not in ("CDATA", "processing instruction"):
        assert findings, name


@pytest.mark.parametrize("name", ["billion laughs", "external entity", "entity alone"])
def test_declarations_are_refused_where_they_stand_never_expanded(name: str) -> None:
    [finding] = check(HOSTILE[name])
    assert "refused" in finding.message and "lol" not in finding.message
    text = HOSTILE[name]
    index = text.index("<!")
    assert finding.position.line == text.count("\n", 0, index) + 1


def test_huge_text_is_refused_before_parsing() -> None:
    huge = "<server>" + " " * MAX_TEXT_BYTES + "</server>"
    [finding] = check(huge)
    assert "more than certkit checks" in finding.message
    [finding] = check(huge.encode())
    assert "more than certkit checks" in finding.message


def test_the_findings_are_bounded() -> None:
    findings = check(HOSTILE["many elements"])
    assert len(findings) == MAX_FINDINGS + 1
    assert "more findings not shown" in findings[-1].message


def test_positions_of_the_common_breakages() -> None:
    assert _at(check(""), 1, 1, "empty")
    assert _at(check(HOSTILE["not UTF-8"]), 1, 10, "byte 0xff is not UTF-8")
    assert _at(check(HOSTILE["unbalanced"]), 1, 26, "does not match <keyStore>")
    assert _at(check(HOSTILE["deep known nesting"]), 1, 1 + 12 * MAX_DEPTH, "nest more than")


def test_mutated_server_xml_never_raises() -> None:
    shuffle = random.Random(11)  # a fixed seed: the same mutations every run
    alphabet = "<>/=\"'&;!-?[] \n\tx\u00e9\x00"
    for _ in range(400):
        text = list(GOOD)
        for _ in range(shuffle.randint(1, 6)):
            index = shuffle.randrange(len(text))
            action = shuffle.random()
            if action < 0.4:
                text[index] = shuffle.choice(alphabet)
            elif action < 0.7:
                del text[index]
            else:
                text.insert(index, shuffle.choice(alphabet))
        mutated = "".join(text)
        for finding in check(mutated, "2.0"):
            assert _within(mutated, finding), (mutated, str(finding))


@pytest.mark.parametrize(
    ("value", "generation", "severity", "fragment"),
    [
        ("SSL=verbose", None, "error", "TRAS0034W"),
        ("SSL=all=maybe", None, "error", "TRAS0035W"),
        ("SSL=all:\n    zosConnect=all", "zosConnect-3.0", "warning", "use zosConnectCore"),
    ],
)
def test_trace_specification_is_checked_as_liberty_reads_it(
    value: str, generation: str | None, severity: str, fragment: str
) -> None:
    text = f'<server>\n<logging traceSpecification="{value}"/>\n</server>'
    [finding] = check(text, generation)
    assert finding.severity == severity and fragment in finding.message
    assert finding.message.startswith("logging traceSpecification: ")
    assert (finding.position.line, finding.position.column) == (2, 10)


def test_a_trace_specification_broken_after_colons_is_clean() -> None:
    # XML turns the break into blanks before a component name; Liberty trims them (4.8)
    text = '<logging traceSpecification="*=info:\n    SSLChannel=all:\n    SSL=all"/>'
    assert check(text) == []
