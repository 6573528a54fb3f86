package org.notesync.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.NotesyncProperties;
import org.notesync.delivery.AddressPolicy;
import org.notesync.delivery.DeliveryEngine;
import org.notesync.delivery.HttpWebhookSender;
import org.notesync.delivery.RetryPolicy;
import org.notesync.identity.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wires the plain-Java delivery engine: the store over the DataSource, the HTTP sender, the clock. Turns on
 * Spring's scheduling, for {@link WebhookPurge} and {@link Recoveries}.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    /** Dev mode lets a newcomer point a webhook at their own machine. */
    static final List<String> DEV_ALLOWED_NETWORKS = List.of("127.0.0.0/8", "::1/128");

    static String userAgent() {
        String version = WebhookConfiguration.class.getPackage().getImplementationVersion();
        if (version == null) {
            version = "0.1.0";
        }
        return "notesync-webhooks/" + version.replace("-SNAPSHOT", "");
    }

    @Bean
    AddressPolicy webhookAddressPolicy(NotesyncProperties notesync, WebhookProperties properties) {
        List<String> allowed = properties.allowedNetworks() != null ? properties.allowedNetworks()
                : notesync.production() ? List.of() : DEV_ALLOWED_NETWORKS;
        return new AddressPolicy(notesync.production(), allowed);
    }

    @Bean(destroyMethod = "close")
    HttpWebhookSender webhookSender(AddressPolicy policy, WebhookProperties properties, Clock clock) {
        return new HttpWebhookSender(policy, properties.requestTimeout(), userAgent(),
                Math.max(properties.workers() * 2, 8), clock);
    }

    @Bean
    JdbcDeliveryStore deliveryStore(DataSource dataSource, SecretBox secrets) {
        return new JdbcDeliveryStore(dataSource, secrets);
    }

    /** This node's name in the leases of deliveries and recoveries, and in the delivery log. */
    record NodeName(String value) {
    }

    @Bean
    NodeName webhookNodeName(WebhookProperties p) {
        return new NodeName(p.nodeId() != null && !p.nodeId().isBlank() ? p.nodeId() : defaultNodeId());
    }

    @Bean
    @ConditionalOnProperty(name = "notesync.webhooks.delivery-enabled", matchIfMissing = true)
    DeliveryEngine deliveryEngine(JdbcDeliveryStore store, HttpWebhookSender sender, Clock clock,
            WebhookProperties p, NodeName node, ObjectProvider<MeterRegistry> meters) {
        DeliveryEngine.Settings settings = new DeliveryEngine.Settings(node.value(), p.pollInterval(), p.lease(),
                p.workers(), p.perWebhookConcurrency(), p.maxBatchEvents(), p.maxBatchSize().toBytes(),
                new RetryPolicy(p.retrySchedule(), p.retryAfterMin(), p.retryAfterMax()), p.disableAfter(),
                p.perWebhookMetrics());
        return new DeliveryEngine(store, sender, clock, settings, meters.getIfAvailable());
    }

    @Bean
    @ConditionalOnProperty(name = "notesync.webhooks.delivery-enabled", matchIfMissing = true)
    SmartLifecycle deliveryEngineLifecycle(DeliveryEngine engine, WebhookProperties properties) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                engine.start();
            }

            @Override
            public void stop() {
                // In-flight requests finish (they are bounded by the request timeout) and record their outcome.
                engine.stop(properties.requestTimeout().plus(Duration.ofSeconds(1)));
            }

            @Override
            public boolean isRunning() {
                return engine.isRunning();
            }
        };
    }

    /**
     * After a change of master key (NOTESYNC_PREVIOUS_SECRET_KEY set), the webhooks' secrets encrypted under the
     * previous one are encrypted again under the new one; until then they are read with either. A secret neither
     * key reads stops the start, naming its webhook: the delivery engine would fail every batch that holds one of
     * its deliveries, the other webhooks' with them.
     */
    @Bean
    ApplicationRunner webhookSecretsResealed(Webhooks webhooks, SecretBox secrets) {
        return arguments -> {
            int resealed = webhooks.reseal(secrets);
            if (secrets.changingKeys()) {
                log.info("Master key changed: {} webhook secrets encrypted again under NOTESYNC_SECRET_KEY",
                        resealed);
            }
        };
    }

    /** The failure queue's depth, counted at most every 10 s however often it is scraped. */
    @Bean
    Gauge webhookFailureQueueGauge(MeterRegistry meters, JdbcDeliveryStore store) {
        return FailureQueueGauge.register(meters, store::failureQueueDepth, Duration.ofSeconds(10));
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        if (host.length() > 60) {
            host = host.substring(0, 60);
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
