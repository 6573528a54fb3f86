package org.notesync.identity;

import java.util.List;

import org.notesync.NotesyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Dev mode's first start: a demo organization, a demo clinician, a demo integration client and a
 * demo operator client, with credentials from configuration so the README's walkthrough works as
 * written. Production mode creates nothing.
 */
@Component
class DevData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DevData.class);

    private final NotesyncProperties properties;
    private final Accounts accounts;
    private final Clients clients;
    private final RegisteredClientRepository registeredClients;
    private final PasswordEncoder passwords;
    private final TransactionTemplate transaction;
    private final Environment environment;

    DevData(NotesyncProperties properties, Accounts accounts, Clients clients,
            RegisteredClientRepository registeredClients, PasswordEncoder passwords, TransactionTemplate transaction,
            Environment environment) {
        this.properties = properties;
        this.accounts = accounts;
        this.clients = clients;
        this.registeredClients = registeredClients;
        this.passwords = passwords;
        this.transaction = transaction;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (properties.production()) {
            return;
        }
        NotesyncProperties.Dev dev = properties.dev();
        // Any of the demo data means the first start is past: an operator may have revoked a demo client,
        // and creating the rest again would clash with the demo clinician's email.
        boolean created = accounts.userByEmail(dev.userEmail()).isPresent()
                || registeredClients.findByClientId(dev.clientId()) != null
                || registeredClients.findByClientId(dev.adminClientId()) != null;
        if (!created) {
            transaction.executeWithoutResult(tx -> create(dev));
            log.info("Dev mode: created the demo organization, clinician {} and clients {} and {}",
                    dev.userEmail(), dev.clientId(), dev.adminClientId());
        }
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        log.info("""
                Dev mode. Get a token for the demo integration with:
                  curl -s -u {}:<secret> -d grant_type=client_credentials -d 'scope={}' {}/oauth2/token
                and an operator token with -u {}:<secret> -d scope=admin. The demo clinician {} logs in on {}/login.
                (The demo secrets and password are notesync.dev.client-secret, notesync.dev.admin-client-secret and
                notesync.dev.user-password; see the README.)""",
                dev.clientId(), String.join(" ", Scopes.INTEGRATION), base, dev.adminClientId(), dev.userEmail(), base);
    }

    private void create(NotesyncProperties.Dev dev) {
        Accounts.Organization org = accounts.createOrganization("Demo Practice", "1 Demo Street", "Lyon", "69001", "FR");
        accounts.createUser(org.id(), dev.userEmail(), passwords.encode(dev.userPassword()), "Demo", "Clinician");
        clients.create(org.id(), new Clients.Registration("Demo integration",
                Clients.GRANT_TYPES, Scopes.INTEGRATION,
                List.of("http://127.0.0.1:8081/callback", "http://localhost:8081/callback"), false),
                dev.clientId(), dev.clientSecret());
        clients.create(org.id(), new Clients.Registration("Demo operator", List.of("client_credentials"),
                List.of(Scopes.ADMIN), List.of(), false), dev.adminClientId(), dev.adminClientSecret());
    }
}
