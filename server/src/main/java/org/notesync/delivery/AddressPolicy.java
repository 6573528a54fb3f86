package org.notesync.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where webhooks may point. A URL must be http(s) with a host (https only when {@code httpsOnly}); its
 * host must not be, or resolve to, a loopback, private, shared, link-local (cloud metadata included),
 * multicast, unspecified or reserved address, IPv4 or IPv6 (v4-mapped, NAT64 and 6to4 forms are judged
 * by the IPv4 address they carry), unless the address is inside one of the {@code allowed} networks.
 * IPv4 addresses written in any other form than dotted decimal ({@code 2130706433}, {@code 0177.0.0.1},
 * {@code 0x7f.1}) are refused outright, as resolvers and libraries disagree on what they mean.
 */
public final class AddressPolicy {

    private static final Pattern NUMERIC_LABEL = Pattern.compile("(0[xX][0-9a-fA-F]*|[0-9]+)");
    private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

    /** Thrown while resolving, at delivery, for a name whose addresses are not allowed: nothing is sent. */
    public static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    private static final List<Cidr> FORBIDDEN = List.of(
            Cidr.parse("0.0.0.0/8"),          // "this network", unspecified
            Cidr.parse("10.0.0.0/8"),         // private
            Cidr.parse("100.64.0.0/10"),      // shared address space (carrier NAT; Alibaba's metadata service)
            Cidr.parse("127.0.0.0/8"),        // loopback
            Cidr.parse("169.254.0.0/16"),     // link-local, where cloud metadata services live
            Cidr.parse("172.16.0.0/12"),      // private
            Cidr.parse("192.0.0.0/24"),       // IETF protocol assignments
            Cidr.parse("192.0.2.0/24"),       // documentation
            Cidr.parse("192.168.0.0/16"),     // private
            Cidr.parse("198.18.0.0/15"),      // benchmarking
            Cidr.parse("198.51.100.0/24"),    // documentation
            Cidr.parse("203.0.113.0/24"),     // documentation
            Cidr.parse("224.0.0.0/4"),        // multicast
            Cidr.parse("240.0.0.0/4"),        // reserved, broadcast
            Cidr.parse("::/128"),             // unspecified
            Cidr.parse("::1/128"),            // loopback
            Cidr.parse("fc00::/7"),           // unique local (AWS's IPv6 metadata fd00:ec2::254 too)
            Cidr.parse("fe80::/10"),          // link-local
            Cidr.parse("fec0::/10"),          // site-local (deprecated)
            Cidr.parse("ff00::/8"),           // multicast
            Cidr.parse("2001:db8::/32"),      // documentation
            Cidr.parse("100::/64"));          // discard-only

    private final boolean httpsOnly;
    private final List<Cidr> allowed;
    private final List<String> allowedNames;

    public AddressPolicy(boolean httpsOnly, List<String> allowedNetworks) {
        this.httpsOnly = httpsOnly;
        List<Cidr> networks = new ArrayList<>();
        for (String network : allowedNetworks) {
            networks.add(Cidr.parse(network.trim()));
        }
        this.allowed = List.copyOf(networks);
        this.allowedNames = allowedNetworks.stream().map(String::trim).toList();
    }

    public boolean httpsOnly() {
        return httpsOnly;
    }

    /**
     * Checks a URL at registration: its form, then every address its host resolves to now. Returns why
     * it is refused, or empty. Messages never repeat the URL.
     */
    public Optional<String> check(String url) {
        Optional<String> form = checkForm(url);
        if (form.isPresent()) {
            return form;
        }
        try {
            resolve(host(URI.create(url)));
            return Optional.empty();
        } catch (RefusedAddressException e) {
            return Optional.of(e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.of("Its host name cannot be resolved.");
        }
    }

    /** Checks the URL's form only (scheme, host, IP literal spellings, literal addresses). */
    public Optional<String> checkForm(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("This value is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("The URL must start with https:// or http://.");
        }
        if (httpsOnly && !scheme.equals("https")) {
            return Optional.of("The URL must use https.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            // java.net.URI leaves the host out when the authority is no server name (an underscore, a
            // character beyond ASCII): converting it here (IDNA 2003 or 2008?) could name another host.
            return Optional.of(uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()
                    ? "The URL must have a host."
                    : uri.getRawAuthority().chars().anyMatch(c -> c > 0x7F)
                    ? "The URL's host has characters beyond ASCII: write it in its ASCII form (xn--...)."
                    : "The URL's host is not a valid host name, IP address or port.");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("The URL must not carry credentials; verify signatures instead.");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            // java.net.URI takes any digits as a port; no connection can be made to these.
            return Optional.of("The URL's port must be between 1 and 65535.");
        }
        String host = host(uri);
        if (isNumericHost(host) && !isDottedQuad(host)) {
            return Optional.of("An IPv4 address must be written in dotted-decimal form (a.b.c.d).");
        }
        if (isDottedQuad(host) || host.contains(":")) {
            try {
                InetAddress literal = InetAddress.getByName(host);
                if (!permits(literal)) {
                    return Optional.of(refusal());
                }
            } catch (UnknownHostException e) {
                return Optional.of("The URL's host is not a valid IP address.");
            }
        }
        return Optional.empty();
    }

    /**
     * Resolves a host and checks every address; returns them so the caller connects to exactly what was
     * checked (no second lookup a DNS rebinding could answer differently).
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isNumericHost(bare) && !isDottedQuad(bare)) {
            throw new RefusedAddressException("An IPv4 address must be written in dotted-decimal form (a.b.c.d).");
        }
        InetAddress[] addresses = InetAddress.getAllByName(bare);
        for (InetAddress address : addresses) {
            if (!permits(address)) {
                throw new RefusedAddressException(refusal());
            }
        }
        return addresses;
    }

    /** Whether a webhook may connect to this address. */
    public boolean permits(InetAddress address) {
        for (Cidr network : allowed) {
            if (network.contains(address)) {
                return true;
            }
        }
        InetAddress judged = embeddedIpv4(address);
        if (judged != address) {
            return permits(judged);
        }
        for (Cidr network : FORBIDDEN) {
            if (network.contains(address)) {
                return false;
            }
        }
        return true;
    }

    private String refusal() {
        return "The URL's host is or resolves to a loopback, private, link-local, multicast or otherwise "
                + "reserved address, which webhooks may not reach"
                // Named only where plain http is allowed (dev mode): in production the list would tell any
                // tenant which internal networks webhooks can reach.
                + (allowedNames.isEmpty() || httpsOnly ? "."
                        : " (this server allows " + String.join(", ", allowedNames) + ").");
    }

    /** The IPv4 address an IPv6 address carries (v4-mapped, v4-compatible, NAT64, 6to4), or the address. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        try {
            if (zeros80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0
                    && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))))) {
                return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}); // ::ffff:a.b.c.d, ::a.b.c.d
            }
            if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
                return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96
            }
            if (b[0] == 0x20 && b[1] == 0x02) {
                return Inet4Address.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}); // 2002::/16
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return address;
    }

    static String host(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** Every dot-separated label is a decimal, octal or hex number: something an IPv4 parser may accept. */
    static boolean isNumericHost(String host) {
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!NUMERIC_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean isDottedQuad(String host) {
        String[] labels = host.split("\\.", -1);
        if (labels.length != 4) {
            return false;
        }
        for (String label : labels) {
            if (!CANONICAL_OCTET.matcher(label).matches() || Integer.parseInt(label) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 or IPv6 network in CIDR notation. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!address.contains(":") && !isDottedQuad(address)) {
                throw new IllegalArgumentException("Not a network in CIDR notation: " + cidr);
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("Bad prefix length in " + cidr);
                }
                return new Cidr(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("Not a network in CIDR notation: " + cidr, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
