package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.SingleColumnRowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** When a page needs the count of its collection, and that the totals are right either way (H2). */
class ListReadsTest {

    private static final String COUNT = "SELECT COUNT(*) FROM items i";
    /** Counting through this fails: a page that answers with it was answered without counting. */
    private static final String NO_COUNT = "SELECT COUNT(*) FROM no_such_table i";
    private static final String SELECT = "SELECT i.n FROM items i";

    private JdbcDataSource database;
    private ListReads lists;

    @BeforeEach
    void twentyFiveItems() {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:list-reads;DB_CLOSE_DELAY=-1");
        JdbcClient jdbc = JdbcClient.create(database);
        jdbc.sql("CREATE TABLE items (n INT PRIMARY KEY)").update();
        for (int n = 1; n <= 25; n++) {
            jdbc.sql("INSERT INTO items VALUES (?)").param(n).update();
        }
        lists = new ListReads(database, new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class), 2);
    }

    @AfterEach
    void drop() {
        JdbcClient.create(database).sql("DROP TABLE items").update();
    }

    @Test
    void aShortPageEndsTheCollectionAndGivesItsSizeWithoutACount() {
        Page<Integer> last = page(NO_COUNT, all(), 3, 10);
        assertThat(last.items()).containsExactly(21, 22, 23, 24, 25);
        assertThat(last.totalItems()).isEqualTo(25);

        Page<Integer> few = page(NO_COUNT, new SqlWhere().and("i.n > :n", "n", 23), 1, 10);
        assertThat(few.items()).containsExactly(24, 25);
        assertThat(few.totalItems()).isEqualTo(2);
    }

    @Test
    void anEmptyFirstPageIsAnEmptyCollectionWithoutACount() {
        Page<Integer> none = page(NO_COUNT, new SqlWhere().and("i.n > :n", "n", 25), 1, 10);
        assertThat(none.items()).isEmpty();
        assertThat(none.totalItems()).isZero();
    }

    @Test
    void aFullPageAPageAfterTheLastAndAPageSizeOfZeroCount() {
        assertThatThrownBy(() -> page(NO_COUNT, all(), 1, 10)).hasMessageContaining("no_such_table");
        assertThatThrownBy(() -> page(NO_COUNT, all(), 4, 10)).hasMessageContaining("no_such_table");
        assertThatThrownBy(() -> page(NO_COUNT, all(), 1, 0)).hasMessageContaining("no_such_table");

        assertThat(page(COUNT, all(), 1, 10).totalItems()).isEqualTo(25);
        assertThat(page(COUNT, all(), 1, 10).items()).hasSize(10);
        Page<Integer> after = page(COUNT, all(), 4, 10);
        assertThat(after.items()).isEmpty();
        assertThat(after.totalItems()).isEqualTo(25);
        Page<Integer> sizeZero = page(COUNT, all(), 1, 0);
        assertThat(sizeZero.items()).isEmpty();
        assertThat(sizeZero.totalItems()).isEqualTo(25);
        // Exactly a page left: the page is full, so the count runs and says there is no more.
        SqlWhere lastTen = new SqlWhere().and("i.n > :n", "n", 15);
        assertThatThrownBy(() -> page(NO_COUNT, lastTen, 1, 10)).hasMessageContaining("no_such_table");
        assertThat(page(COUNT, lastTen, 1, 10).totalItems()).isEqualTo(10);
    }

    private Page<Integer> page(String count, SqlWhere where, int page, int itemsPerPage) {
        return lists.page(count, SELECT, where, "i.n", new SingleColumnRowMapper<>(Integer.class), page, itemsPerPage);
    }

    private static SqlWhere all() {
        return new SqlWhere();
    }
}
