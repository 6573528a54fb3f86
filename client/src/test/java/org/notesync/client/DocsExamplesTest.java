package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * Compiles every {@code java} block of docs/sdk.md against the SDK, so the documentation cannot drift
 * from the code. Each block becomes the body of a method; the names the examples take as given (a
 * {@code client}, the servlet {@code request}...) are fields of {@link DocsContext}.
 */
class DocsExamplesTest {

    static final Path DOC = Path.of("..", "docs", "sdk.md");
    static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    static final String IMPORTS = """
            package org.notesync.client.docs;
            import java.io.*;
            import java.net.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import com.sun.net.httpserver.*;
            import jakarta.servlet.http.*;
            import org.notesync.client.*;
            """;

    @Test
    void everyJavaExampleOfTheSdkGuideCompiles() throws IOException {
        String markdown = Files.readString(DOC);
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("java examples in " + DOC).hasSizeGreaterThan(8);

        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String name = "Example" + i;
            sources.add(source(name, IMPORTS + "class " + name + " extends org.notesync.client.DocsContext {\n"
                    + "  void run() throws Exception {\n" + blocks.get(i) + "\n  }\n}\n"));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createTempDirectory("sdk-docs");
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
            boolean compiled = compiler.getTask(errors, files, null,
                    List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
                            "-proc:none", "-Xlint:none"),
                    null, sources).call();
            assertThat(compiled).as(errors.toString()).isTrue();
        }
    }

    private static JavaFileObject source(String name, String code) {
        return new SimpleJavaFileObject(URI.create("string:///org/notesync/client/docs/" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }
}
