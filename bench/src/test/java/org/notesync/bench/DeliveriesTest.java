package org.notesync.bench;

import java.io.IOException;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a run's notes are matched with the receiver's arrivals: the latency the tables show. */
class DeliveriesTest {

    private Receiver receiver;

    @BeforeEach
    void open() throws IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void latencyRunsFromTheCreateResponseToTheFirstArrival() {
        OpenLoad.Run run = new OpenLoad.Run("test", 100, 4);
        long t0 = 1_000_000_000L;
        run.firstSendNanos = t0;
        created(run, 0, 0, t0 + 10_000_000L);       // answered at +10 ms
        created(run, 1, 1, t0 + 20_000_000L);
        created(run, 2, 0, t0 + 30_000_000L);
        // note 3: the create failed, so it is not expected
        arrived(run.notes[0], 0, t0 + 15_000_000L, 1); // 5 ms after its response
        arrived(run.notes[1], 1, t0 + 60_000_000L, 3); // 40 ms, and twice more
        // note 2 never arrives

        Deliveries d = Deliveries.measure(receiver, run, t -> true);

        assertThat(d.expected()).isEqualTo(3);
        assertThat(d.delivered()).isEqualTo(2);
        assertThat(d.missing()).isEqualTo(1);
        assertThat(d.duplicates()).isEqualTo(2);
        // microseconds, within the histogram's 3 significant digits
        assertThat(d.latency().getMinValue()).isBetween(4_990L, 5_010L);
        assertThat(d.latency().getMaxValue()).isBetween(39_950L, 40_050L);
        assertThat(d.perSecond()).isCloseTo(2 / 0.06, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aWebhookThatBeatsTheResponseCountsAsZeroAndIsCounted() {
        OpenLoad.Run run = new OpenLoad.Run("test", 100, 1);
        run.firstSendNanos = 0;
        created(run, 0, 0, 50_000_000L);
        arrived(run.notes[0], 0, 49_000_000L, 1);

        Deliveries d = Deliveries.measure(receiver, run, t -> true);

        assertThat(d.beforeResponse()).isEqualTo(1);
        assertThat(d.latency().getMaxValue()).isZero();
    }

    @Test
    void onlyTheChosenOrganizationsAreMeasured() {
        OpenLoad.Run run = new OpenLoad.Run("test", 100, 2);
        created(run, 0, 0, 1_000L);
        created(run, 1, 1, 1_000L);
        arrived(run.notes[0], 0, 2_000_000L, 1);

        assertThat(Deliveries.measure(receiver, run, t -> t == 0).missing()).isZero();
        assertThat(Deliveries.measure(receiver, run, t -> t == 1).missing()).isEqualTo(1);
    }

    private static void created(OpenLoad.Run run, int i, int tenant, long respondedAt) {
        run.notes[i] = UUID.randomUUID();
        run.tenantOf[i] = tenant;
        run.respondedAt[i] = respondedAt;
        run.created.increment();
    }

    private void arrived(UUID note, int tenant, long at, int times) {
        Receiver.Arrival arrival = new Receiver.Arrival(tenant, at);
        arrival.count.set(times);
        receiver.arrivals().put(note, arrival);
    }
}
