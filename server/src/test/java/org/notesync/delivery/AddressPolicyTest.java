package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private final AddressPolicy production = new AddressPolicy(true, List.of());
    private final AddressPolicy dev = new AddressPolicy(false, List.of("127.0.0.0/8", "::1/128"));

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/", "https://127.8.9.10/", "https://10.0.0.1/", "https://10.255.255.255/",
            "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.0.1/", "https://169.254.169.254/",
            "https://169.254.1.1/", "https://100.64.0.1/", "https://0.0.0.0/", "https://224.0.0.251/",
            "https://255.255.255.255/", "https://[::1]/", "https://[::]/", "https://[fc00::1]/",
            "https://[fdff:ffff::1]/", "https://[fe80::1]/", "https://[febf::1]/", "https://[ff02::1]/",
            "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[::ffff:192.168.1.1]/",
            "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://[::127.0.0.1]/",
            "https://2130706433/", "https://0177.0.0.1/", "https://0x7f.0.0.1/", "https://127.1/",
            "https://017700000001/", "https://127.0.0.1./", "https://localhost/", "https://localhost./",
            "http://93.184.215.14/", "ftp://93.184.215.14/", "https:///path", "https://user:pw@93.184.215.14/"
    })
    void productionRefuses(String url) {
        assertThat(production.check(url)).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/hook", "https://8.8.8.8:8443/x", "https://[2606:4700::1111]/",
            "https://172.32.0.1/", "https://172.15.255.255/", "https://192.169.0.1/", "https://11.0.0.1/"})
    void productionAcceptsPublicAddresses(String url) {
        assertThat(production.checkForm(url)).as(url).isEmpty();
        assertThat(production.check(url)).as(url).isEmpty();
    }

    @Test
    void devAllowsLoopbackOnlyAmongInternalAddresses() {
        assertThat(dev.check("http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(dev.check("http://[::1]:8080/hook")).isEmpty();
        assertThat(dev.check("http://localhost:8080/hook")).isEmpty();
        assertThat(dev.check("http://[::ffff:127.0.0.1]/")).isEmpty();
        assertThat(dev.check("http://10.0.0.1/")).isPresent();
        assertThat(dev.check("http://169.254.169.254/")).isPresent();
        assertThat(dev.check("http://2130706433/")).as("ambiguous spellings: refused in every mode").isPresent();
        assertThat(dev.check("http://0177.0.0.1/")).isPresent();
        assertThat(dev.check("http://127.0.0.1:65535/hook")).isEmpty();
        assertThat(dev.check("http://127.0.0.1:1/hook")).isEmpty();
        for (String port : new String[] {"0", "65536", "99999"}) {
            assertThat(dev.checkForm("http://127.0.0.1:" + port + "/hook")).as("port " + port)
                    .contains("The URL's port must be between 1 and 65535.");
        }
        assertThat(dev.checkForm("http://127.0.0.1:4294967297/hook")).as("beyond an int: no host for java.net.URI")
                .isPresent();
    }

    @Test
    void aHostJavaCannotReadIsNamedForWhatItIs() {
        assertThat(dev.checkForm("https:///path")).contains("The URL must have a host.");
        assertThat(dev.checkForm("https://bücher.example/hook"))
                .contains("The URL's host has characters beyond ASCII: write it in its ASCII form (xn--...).");
        assertThat(dev.checkForm("https://xn--bcher-kva.example/hook")).isEmpty();
        assertThat(dev.checkForm("https://my_host.example/hook"))
                .contains("The URL's host is not a valid host name, IP address or port.");
    }

    @Test
    void aRefusalInDevModeSaysWhatThisServerAllowsBeyondPublicAddresses() {
        assertThat(production.check("https://10.0.0.5/hook")).get().asString()
                .endsWith("which webhooks may not reach.");
        assertThat(new AddressPolicy(false, List.of("10.20.0.0/16")).check("https://10.0.0.5/hook")).get().asString()
                .endsWith("(this server allows 10.20.0.0/16).");
        assertThat(new AddressPolicy(true, List.of("10.20.0.0/16")).check("https://10.0.0.5/hook")).get().asString()
                .as("production names no internal network").endsWith("which webhooks may not reach.");
    }

    @Test
    void allowedNetworksAreConfiguration() throws Exception {
        AddressPolicy lan = new AddressPolicy(true, List.of("10.20.0.0/16"));
        assertThat(lan.permits(InetAddress.getByName("10.20.3.4"))).isTrue();
        assertThat(lan.permits(InetAddress.getByName("10.21.3.4"))).isFalse();
        assertThat(lan.permits(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThatThrownBy(() -> new AddressPolicy(true, List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressPolicy(true, List.of("example.com/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolvingANameChecksEveryAddressAndReturnsTheCheckedOnes() throws Exception {
        assertThatThrownBy(() -> production.resolve("localhost"))
                .isInstanceOf(AddressPolicy.RefusedAddressException.class);
        InetAddress[] addresses = dev.resolve("127.0.0.1");
        assertThat(addresses).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
        assertThatThrownBy(() -> dev.resolve("2130706433")).isInstanceOf(AddressPolicy.RefusedAddressException.class);
    }

    @Test
    void hostNamesThatLookNumericOnlyInPartAreNames() {
        assertThat(AddressPolicy.isNumericHost("cafe.be")).isFalse();
        assertThat(AddressPolicy.isNumericHost("1.2.3.example")).isFalse();
        assertThat(AddressPolicy.isNumericHost("0x7f.1")).isTrue();
        assertThat(AddressPolicy.isDottedQuad("1.2.3.4")).isTrue();
        assertThat(AddressPolicy.isDottedQuad("01.2.3.4")).isFalse();
        assertThat(AddressPolicy.isDottedQuad("1.2.3.256")).isFalse();
    }
}
