package org.smapimigrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark disks, made once per run of the bench: a sparse disk turned into a dynamic VHD by
 * qemu-img, in a directory named like a file SR so that {@code migrate} reads it; and for the
 * many-VDI cases, {@code count} smaller VHDs in a second SR holding the same total of data.
 */
public record BenchInput(Path work, Path sr, String vdi, Path vhd, long size, long data,
                         Path manySr, List<String> manyVdis, long manyData) {
    static final String VDI = "b3e4c2a1-0f5d-4c6e-9a7b-8d1e2f3a4b5c";

    public static BenchInput create(Path work, long size, int fill, int many) throws IOException, InterruptedException {
        Path qemuImg = ExternalTool.require("qemu-img", "qemu-utils");
        Path sr = Files.createDirectories(work.resolve("sr"));
        Path vhd = sr.resolve(VDI + ".vhd");
        long data = makeVhd(qemuImg, work.resolve("input.raw"), vhd, size, fill, 42);

        Path manySr = Files.createDirectories(work.resolve("sr-many"));
        long each = Math.max(SparseInput.BLOCK, size / many / SparseInput.BLOCK * SparseInput.BLOCK);
        List<String> vdis = new ArrayList<>();
        long manyData = 0;
        for (int i = 0; i < many; i++) {
            String uuid = String.format("b3e4c2a1-0f5d-4c6e-9a7b-%012d", i + 1);
            manyData += makeVhd(qemuImg, work.resolve("input-" + i + ".raw"), manySr.resolve(uuid + ".vhd"), each,
                    fill, 100 + i);
            vdis.add(uuid);
        }
        return new BenchInput(work, sr, VDI, vhd, size, data, manySr, List.copyOf(vdis), manyData);
    }

    private static long makeVhd(Path qemuImg, Path raw, Path vhd, long size, int fill, long seed)
            throws IOException, InterruptedException {
        long data = SparseInput.writeRaw(raw, size, fill, seed);
        SparseInput.toDynamicVhd(qemuImg, raw, vhd);
        Files.delete(raw);
        return data;
    }
}
