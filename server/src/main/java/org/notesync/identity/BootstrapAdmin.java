package org.notesync.identity;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.notesync.NotesyncProperties;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code java -jar notesync-server.jar bootstrap-admin --organization="Operator" [--client-name=ops]}:
 * production mode creates nothing on start, so this makes the first operator. Against the configured
 * database (migrated first), without the web server or any other feature, it creates the operator's
 * organization and a confidential client_credentials client with the {@code admin} scope, prints its id
 * and secret once, and exits. It refuses when a client with the admin scope already exists: from then on
 * operators are made through the admin API.
 */
public final class BootstrapAdmin {

    public static final String COMMAND = "bootstrap-admin";

    static final int CREATED = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;

    private static final String USAGE_TEXT = """
            Usage: java -jar notesync-server.jar bootstrap-admin --organization=<name> [--client-name=<name>]
              Creates the operator organization and its first admin client, and prints the client's id and
              secret once. The database is the one the server is configured with (NOTESYNC_DB_URL,
              NOTESYNC_DB_USER, NOTESYNC_DB_PASSWORD, NOTESYNC_MODE); any --spring.* or --notesync.*
              setting may follow.""";

    private BootstrapAdmin() {
    }

    /**
     * Runs the command and returns its exit status.
     *
     * @param args       the arguments after the command's name
     * @param appSources beans of the application every run needs, such as its database guard
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Class<?>... appSources) {
        String organization = null;
        String clientName = "operator";
        List<String> settings = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--organization=")) {
                organization = arg.substring("--organization=".length()).trim();
            } else if (arg.startsWith("--client-name=")) {
                clientName = arg.substring("--client-name=".length()).trim();
            } else if (arg.startsWith("--spring.") || arg.startsWith("--notesync.") || arg.startsWith("--logging.")) {
                settings.add(arg);
            } else {
                err.println("Unknown argument: " + arg);
                err.println(USAGE_TEXT);
                return USAGE;
            }
        }
        if (organization == null || organization.isEmpty() || organization.length() > 200
                || clientName.isEmpty() || clientName.length() > 200) {
            err.println(organization == null || organization.isEmpty()
                    ? "--organization is required." : "Names are 1 to 200 characters.");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        settings.add("--spring.main.banner-mode=off");
        List<Class<?>> sources = new ArrayList<>(List.of(Store.class));
        sources.addAll(List.of(appSources));
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(sources.toArray(Class[]::new))
                    .web(WebApplicationType.NONE)
                    .logStartupInfo(false)
                    .run(settings.toArray(String[]::new));
        } catch (RuntimeException e) {
            err.println("Could not start: " + rootCause(e).getMessage());
            return FAILED;
        }
        try (context) {
            return create(context, organization, clientName, out, err);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static int create(ConfigurableApplicationContext context, String organization, String clientName,
            PrintStream out, PrintStream err) {
        Accounts accounts = context.getBean(Accounts.class);
        Clients clients = context.getBean(Clients.class);
        Clients.Created created = context.getBean(TransactionTemplate.class).execute(tx -> {
            if (accounts.anyClientWithScope(Scopes.ADMIN)) {
                return null;
            }
            Accounts.Organization org = accounts.createOrganization(organization, null, null, null, null);
            return clients.create(org.id(), new Clients.Registration(clientName, List.of("client_credentials"),
                    List.of(Scopes.ADMIN), List.of(), false));
        });
        if (created == null) {
            err.println("Refused: a client with the admin scope already exists, so the first administrator has "
                    + "been made. Create more with that client's token: POST /admin/organizations/{uuid}/clients.");
            return REFUSED;
        }
        out.println("Created the organization \"" + organization + "\" (" + created.organizationId()
                + ") and its admin client \"" + clientName + "\".");
        out.println("client_id:     " + created.clientId());
        out.println("client_secret: " + created.clientSecret());
        out.println("The secret is stored hashed and will not be shown again. Get an admin token with:");
        out.println("  curl -u '" + created.clientId() + ":<client_secret>' -d grant_type=client_credentials "
                + "-d scope=admin https://<your server>/oauth2/token");
        return CREATED;
    }

    /**
     * Only what creating an organization and a client needs: the database and the identity store. Not
     * a {@code @Configuration}, so the server's component scan does not pick it up; as the command's
     * source it is still read for its imports and beans.
     */
    @EnableAutoConfiguration
    @EnableConfigurationProperties(NotesyncProperties.class)
    @Import({Accounts.class, Clients.class, ActiveClients.class, RevokedTokens.class})
    static class Store {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        PasswordEncoder passwordEncoder() {
            return PasswordEncoderFactories.createDelegatingPasswordEncoder();
        }

        @Bean
        RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc) {
            return new JdbcRegisteredClientRepository(jdbc);
        }
    }
}
