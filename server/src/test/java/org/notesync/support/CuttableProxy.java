package org.notesync.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A TCP proxy on 127.0.0.1 that forwards each connection to {@code target} and can cut the connections open
 * at a moment as a dropped firewall state or a partition does: from {@link #cut} on, their bytes go nowhere in
 * either direction and neither end sees a reset or a close. Connections made after the cut are forwarded.
 */
public final class CuttableProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger threads = new AtomicInteger();

    public CuttableProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "proxy-accept").start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The local ports of its connections to the target: PostgreSQL's {@code client_port} of the sessions. */
    public Set<Integer> upstreamPorts() {
        return links.stream().map(link -> link.upstream.getLocalPort()).collect(Collectors.toSet());
    }

    /** Stops forwarding on every connection open now; returns how many it cut. */
    public int cut() {
        int cut = 0;
        for (Link link : links) {
            if (!link.cut) {
                link.cut = true;
                cut++;
            }
        }
        return cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                Link link = new Link(client, upstream);
                links.add(link);
                daemon(() -> pump(link, client, upstream), "proxy-up-" + threads.incrementAndGet()).start();
                daemon(() -> pump(link, upstream, client), "proxy-down-" + threads.incrementAndGet()).start();
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    /** Copies until either end closes, unless cut: then reads and drops, and never passes the close on. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (!link.cut) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // closed
        }
        if (!link.cut) {
            link.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(Link::close);
    }

    private static final class Link {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean cut;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            try {
                client.close();
                upstream.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
