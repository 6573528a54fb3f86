package org.notesync.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param listPoolSize PostgreSQL only: the connections of the collections' own pool ({@link ListReads}) per node,
 *                     on top of the main pool ({@code NOTESYNC_DB_LIST_POOL_SIZE}); 0 reads them through the main
 *                     pool
 */
@ConfigurationProperties("notesync.db")
record ListPoolProperties(@DefaultValue("10") int listPoolSize) {

    ListPoolProperties {
        if (listPoolSize < 0) {
            throw new IllegalArgumentException("notesync.db.list-pool-size (NOTESYNC_DB_LIST_POOL_SIZE, " + listPoolSize
                    + ") must be 0 (the collections read through the main pool) or more");
        }
    }
}
