package org.smapimigrate.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Steps in the making. Keeps ids unique, tracks each volume's last step so every step's
 * {@code after} names the step it must follow (a write into a volume comes after any snapshot or
 * clone taken of it), and each volume's current size.
 */
final class StepList {
    /** A volume that ends up as a VDI or a carrier, with the source image it must match. */
    record Made(String volume, String owner, VolumePurpose purpose, String verifyAgainst) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final Map<String, String> lastStep = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private final String sourceSr;
    private final Function<String, String> roleOf;

    /** @param roleOf source role label of an owner uuid, for the identity keys */
    StepList(String sourceSr, Function<String, String> roleOf) {
        this.sourceSr = sourceSr;
        this.roleOf = roleOf;
    }

    private Map<String, String> identity(String owner, String id, VolumePurpose purpose) {
        return VolumeKeys.identity(sourceSr, owner, roleOf.apply(owner), id, purpose);
    }

    List<Step> steps() {
        return steps;
    }

    long size(String volume) {
        return sizes.get(volume);
    }

    String create(String owner, VolumePurpose purpose, String name, String description, long size) {
        String id = "create:" + owner;
        add(new CreateVolume(id, List.of(), owner, purpose, name, description, size,
                identity(owner, id, purpose)));
        lastStep.put(id, id);
        sizes.put(id, size);
        return id;
    }

    void copy(String volume, String source, CopyScope scope, List<String> chain, long sourceSize, long bytes,
              boolean upperBound) {
        String id = "copy:" + source + "@" + ownerOf(volume);
        add(new CopyExtents(id, List.of(lastStep.get(volume)), volume, source, scope, chain, sourceSize, bytes,
                upperBound));
        lastStep.put(volume, id);
    }

    void resize(String volume, String forImage, long toSize) {
        String id = "resize:" + forImage + "@" + ownerOf(volume);
        add(new ResizeVolume(id, List.of(lastStep.get(volume)), volume, forImage, sizes.get(volume), toSize));
        lastStep.put(volume, id);
        sizes.put(volume, toSize);
    }

    String snapshot(String of, String owner, VolumePurpose purpose) {
        String id = (purpose == VolumePurpose.CARRIER ? "carrier:" : "snapshot:") + owner;
        add(new SnapshotVolume(id, List.of(lastStep.get(of)), of, owner, purpose,
                identity(owner, id, purpose)));
        lastStep.put(of, id); // later writes into 'of' must not reach the snapshot
        lastStep.put(id, id);
        sizes.put(id, sizes.get(of));
        return id;
    }

    String clone(String of, String owner) {
        String id = "clone:" + owner;
        add(new CloneVolume(id, List.of(lastStep.get(of)), of, owner,
                identity(owner, id, VolumePurpose.VDI)));
        lastStep.put(of, id);
        lastStep.put(id, id);
        sizes.put(id, sizes.get(of));
        return id;
    }

    void verify(String volume, String source, long size, long bytes, boolean upperBound) {
        String id = "verify:" + ownerOf(volume) + (volume.startsWith("carrier:") ? ":carrier" : "");
        add(new VerifyVolume(id, List.of(lastStep.get(volume)), volume, source, size, bytes, upperBound));
        lastStep.put(volume, id);
    }

    void metadata(String volume, String owner, String name, String description, Map<String, String> keys,
                  String snapshotOf) {
        String id = "meta:" + owner + (volume.startsWith("carrier:") ? ":carrier" : "");
        List<String> after = new ArrayList<>();
        after.add(lastStep.get(volume));
        if (snapshotOf != null) {
            after.add(snapshotOf);
        }
        add(new SetMetadata(id, after, volume, owner, name, description, keys, snapshotOf));
        lastStep.put(volume, id);
    }

    /** The owner named in a volume-making step id ({@code create:<uuid>} and the like). */
    private static String ownerOf(String volume) {
        return volume.substring(volume.indexOf(':') + 1);
    }

    private void add(Step s) {
        if (!ids.add(s.id())) {
            throw new IllegalStateException("planner bug: two steps with id " + s.id());
        }
        steps.add(s);
    }
}
