package org.smapimigrate.xapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A user name and its password for {@code session.login_with_password}. The password comes only
 * from a file or the {@value #PASSWORD_ENV} environment variable, never from the command line
 * (it would show in {@code ps}); it never appears in {@link #toString()}, and every message this
 * module builds from server text passes through {@link #redact(String)}.
 */
public final class XapiCredentials {
    public static final String PASSWORD_ENV = "XAPI_PASSWORD";
    public static final String DEFAULT_USER = "root";
    /** A password file larger than this is not a password file. */
    private static final long MAX_FILE = 4096;

    private final String user;
    private final String password;

    private XapiCredentials(String user, String password) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("empty XAPI user name");
        }
        this.user = user;
        this.password = password;
    }

    /**
     * The password from {@code passwordFile} when given (one trailing newline dropped), else from
     * {@code environment.get(XAPI_PASSWORD)}; fails with a message naming both when neither has one.
     */
    public static XapiCredentials resolve(String user, Path passwordFile, Map<String, String> environment)
            throws IOException {
        if (passwordFile != null) {
            return new XapiCredentials(user, readPasswordFile(passwordFile));
        }
        String env = environment.get(PASSWORD_ENV);
        if (env != null && !env.isEmpty()) {
            return new XapiCredentials(user, env);
        }
        throw new IOException("no XAPI password: give --xapi-password-file FILE or set " + PASSWORD_ENV
                + " in the environment (never on the command line)");
    }

    /**
     * Credentials for dom0's Unix socket, where XAPI checks no password and returns a
     * local-superuser session (xapi-integration.md section 1, "Endpoint").
     */
    public static XapiCredentials localRoot() {
        return new XapiCredentials(DEFAULT_USER, "");
    }

    private static String readPasswordFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("password file " + file + " is not a readable regular file");
        }
        if (Files.size(file) > MAX_FILE) {
            throw new IOException("password file " + file + " is larger than " + MAX_FILE + " bytes: not a password file");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8);
        if (s.endsWith("\r\n")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new IOException("password file " + file + " is empty");
        }
        if (s.indexOf('\n') >= 0) {
            throw new IOException("password file " + file + " has more than one line; put only the password in it");
        }
        return s;
    }

    public String user() {
        return user;
    }

    /** For the login request body only. */
    String password() {
        return password;
    }

    /** {@code text} with every occurrence of the password replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password, "***");
    }

    /** True when {@code text} contains the password (for tests and guards). */
    public boolean leaksInto(String text) {
        return text != null && !password.isEmpty() && text.contains(password);
    }

    @Override
    public String toString() {
        return "XapiCredentials[user=" + user + ", password=" + (password.isEmpty() ? "none" : "***") + "]";
    }

}
