package org.notesync;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Dev mode listens on loopback only, unless {@code SERVER_ADDRESS} says otherwise: its demo clients' secrets are in
 * the README ({@code demo-admin} has the admin scope), and a laptop running the README's first command on a café's
 * network should not hand them to its neighbours. Production mode listens where Spring Boot does, every interface.
 */
public class DevModeLoopback implements EnvironmentPostProcessor {

    static final String SOURCE = "notesync-dev-loopback";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty("notesync.mode", "").trim();
        if (mode.equalsIgnoreCase("production") || environment.containsProperty("server.address")) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of("server.address", "127.0.0.1")));
    }
}
