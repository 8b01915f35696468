package org.smapimigrate.bench;

import java.nio.file.Path;

/** {@code migrate} into the bundled SMAPIv3 SR, called in this JVM ({@link BenchMigration}). */
public final class InJvmMigrateCase implements BenchCase {
    private final BenchInput input;
    private final BenchMigration migration;

    public InJvmMigrateCase(BenchInput input) {
        this.input = input;
        this.migration = new BenchMigration(input.sr(), input.vdi(), input.work().resolve("v3-sr"));
    }

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public Where where() {
        return Where.IN_JVM;
    }

    @Override
    public long dataBytes() {
        return input.data();
    }

    @Override
    public long run() throws Exception {
        migration.run();
        return -1;
    }

    @Override
    public Path output() {
        return migration.volumeFile();
    }
}
