package org.smapimigrate.cli;

import picocli.CommandLine;

/** Prints the version from the jar manifest, or "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    static String line() {
        String v = SmapiMigrate.class.getPackage().getImplementationVersion();
        return "smapi-migrate " + (v == null ? "dev" : v);
    }
}
