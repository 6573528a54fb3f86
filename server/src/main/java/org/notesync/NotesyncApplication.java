package org.notesync;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;

import org.notesync.identity.BootstrapAdmin;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class NotesyncApplication {

    /** Starts the server, or runs a command: {@code bootstrap-admin} (see {@link BootstrapAdmin}). */
    public static void main(String[] args) {
        if (args.length > 0 && BootstrapAdmin.COMMAND.equals(args[0])) {
            System.exit(command(args, System.out, System.err));
        }
        SpringApplication.run(NotesyncApplication.class, args);
    }

    /** Runs the command named by {@code args[0]} and returns its exit status. */
    public static int command(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !BootstrapAdmin.COMMAND.equals(args[0])) {
            err.println("Unknown command. Commands: " + BootstrapAdmin.COMMAND);
            return 2;
        }
        // The command refuses H2 in production mode, as the server does.
        return BootstrapAdmin.run(Arrays.copyOfRange(args, 1, args.length), out, err, DatabaseGuard.class);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
