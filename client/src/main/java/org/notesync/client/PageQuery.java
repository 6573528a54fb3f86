package org.notesync.client;

/** Paging and ordering only, for collections without filters ({@code /users}, {@code /webhooks}). */
public final class PageQuery extends Query<PageQuery> {

    private PageQuery() {
    }

    public static PageQuery create() {
        return new PageQuery();
    }
}
