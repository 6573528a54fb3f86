package org.notesync.bench;

import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A scenario's world: a fresh bench database, server nodes on it, the loopback receiver and the
 * organizations. Closing it records the nodes' memory, stops them and drops the database.
 */
final class Cluster implements AutoCloseable {

    final Context context;
    final String scenario;
    final List<ServerNode> nodes;
    final Receiver receiver;
    final Api api;
    final BenchDatabase database;
    List<Tenants.Tenant> tenants = List.of();

    private Cluster(Context context, String scenario, List<ServerNode> nodes, Receiver receiver,
            BenchDatabase database) {
        this.context = context;
        this.api = new Api(context.options.flag("idempotency-keys"));
        this.scenario = scenario;
        this.nodes = new ArrayList<>(nodes);
        this.receiver = receiver;
        this.database = database;
    }

    /** A fresh database on the local PostgreSQL, {@code nodeCount} nodes, and a receiver if asked. */
    static Cluster start(Context context, String scenario, int nodeCount, boolean withReceiver,
            Map<String, String> settings) throws IOException, InterruptedException, SQLException {
        BenchDatabase database = context.database();
        Progress.say(scenario + ": creating database " + database.name + " on " + database.base);
        database.recreate();
        ServerNode.Config config = context.nodeConfig(database.url(), database.user, database.password, settings);
        return start(context, scenario, nodeCount, withReceiver, config, database);
    }

    /** As above on a database the caller prepared (the smoke test's H2 or test schema). */
    static Cluster start(Context context, String scenario, int nodeCount, boolean withReceiver,
            ServerNode.Config config, BenchDatabase database) throws IOException, InterruptedException {
        Receiver receiver = withReceiver ? new Receiver() : null;
        try {
            return new Cluster(context, scenario, context.startNodes(nodeCount, config), receiver, database);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (receiver != null) {
                receiver.close();
            }
            throw e;
        }
    }

    CpuMeter cpu() {
        return new CpuMeter(nodes, database == null ? null : database.name, context.profiler);
    }

    URI base() {
        return nodes.get(0).base();
    }

    /** Creates the organizations, each with {@code patients} patients and (with a receiver) a webhook. */
    List<Tenants.Tenant> createTenants(int count, int patients) throws IOException, InterruptedException {
        Progress.say(scenario + ": creating " + count + " organizations through the admin API");
        tenants = Tenants.create(api, base(), count, patients, receiver);
        return tenants;
    }

    /** Note {@code i} to organization {@code i % n} on node {@code i % nodes}. */
    OpenLoad.Router roundRobin() {
        List<Tenants.Tenant> all = tenants;
        List<URI> bases = nodes.stream().map(ServerNode::base).toList();
        return i -> new OpenLoad.Target(bases.get((int) (i % bases.size())), all.get((int) (i % all.size())));
    }

    @Override
    public void close() throws InterruptedException {
        context.memory(scenario, nodes);
        for (ServerNode node : nodes) {
            node.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        api.close();
        if (database != null && !context.options.flag("keep-database")) {
            try {
                database.drop();
            } catch (SQLException e) {
                Progress.say(scenario + ": could not drop " + database.name + ": " + e.getMessage());
            }
        }
    }
}
