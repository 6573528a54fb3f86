package org.notesync.identity;

import java.util.List;

import org.notesync.NotesyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
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

    DevData(NotesyncProperties properties, Accounts accounts, Clients clients,
            RegisteredClientRepository registeredClients, PasswordEncoder passwords, TransactionTemplate transaction) {
        this.properties = properties;
        this.accounts = accounts;
        this.clients = clients;
        this.registeredClients = registeredClients;
        this.passwords = passwords;
        this.transaction = transaction;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (properties.production()) {
            return;
        }
        NotesyncProperties.Dev dev = properties.dev();
        if (registeredClients.findByClientId(dev.clientId()) == null) {
            transaction.executeWithoutResult(tx -> create(dev));
            log.info("Dev mode: created the demo organization, clinician {} and clients {} and {}",
                    dev.userEmail(), dev.clientId(), dev.adminClientId());
        }
        log.info("""
                Dev mode. Get a token with:
                  curl -s -u {}:<secret> -d grant_type=client_credentials -d 'scope=read:notes write:notes read:patients write:patients read:webhooks write:webhooks' http://localhost:<port>/oauth2/token
                (the demo secrets are notesync.dev.client-secret and notesync.dev.admin-client-secret; see the README)""",
                dev.clientId());
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
