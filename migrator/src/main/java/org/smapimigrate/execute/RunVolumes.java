package org.smapimigrate.execute;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.smapimigrate.datapath.VolumeAttachment;
import org.smapimigrate.migrate.StaleAttachment;
import org.smapimigrate.migrate.TargetSr;
import org.smapimigrate.plugin.PluginRoot;
import org.smapimigrate.plugin.Volume;

/**
 * The target volumes as one run knows them, so each costs as few plugin processes as the work
 * needs (issue 10): one {@code Volume.stat} per volume per run (XAPI, too, stats a volume before
 * any Datapath call, smapiv3-interface.md section 6; only a resize changes what it answered, and
 * the keys set since are tracked here), and one attachment per volume held from its first copy to
 * its verification, so copy and read-back share one attach/activate and one deactivate/detach.
 *
 * <p>Steps on one volume never run at the same time (each follows the volume's previous step,
 * {@link org.smapimigrate.plan.Step#after}), so a volume's entry is only ever used by one job;
 * the maps are concurrent because different jobs work on different volumes.
 */
final class RunVolumes {
    private final TargetSr target;
    private final String domain;
    private final Map<String, Volume> stats = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> keysSet = new ConcurrentHashMap<>();
    /** Attachments held, by volume key. */
    private final Map<String, Held> attached = new ConcurrentHashMap<>();

    private record Held(Volume volume, VolumeAttachment attachment) {
    }

    RunVolumes(TargetSr target, String domain) {
        this.target = target;
        this.domain = domain;
    }

    /** Volume.stat of {@code key}, asked once per run. */
    Volume stat(String key) throws IOException {
        Volume v = stats.get(key);
        if (v == null) {
            v = target.plugin().volumeStat(target.sr(), key);
            stats.put(key, v);
            keysSet.remove(key);
        }
        return v;
    }

    /** Takes {@code v} as what Volume.stat says of it (a create answer that is a stat record). */
    void known(Volume v) {
        stats.put(v.key(), v);
        keysSet.remove(v.key());
    }

    /** Forgets what Volume.stat said of {@code key} (after a resize). */
    void changed(String key) {
        stats.remove(key);
        keysSet.remove(key);
    }

    /** The volume's keys as they are now: those stat answered, with what this run set or unset since. */
    Map<String, String> keys(String key) throws IOException {
        Map<String, String> k = new java.util.TreeMap<>(stat(key).keys());
        Map<String, String> since = keysSet.get(key);
        if (since != null) {
            since.forEach((name, value) -> {
                if (value == null) {
                    k.remove(name);
                } else {
                    k.put(name, value);
                }
            });
        }
        return k;
    }

    /** Records that this run set {@code name} to {@code value} (null: unset) on {@code key}. */
    void keySet(String key, String name, String value) {
        keysSet.computeIfAbsent(key, x -> new java.util.HashMap<>()).put(name, value);
    }

    /** The attachment of {@code key}, made (attach, activate) the first time a step needs it. */
    VolumeAttachment attachment(String key) throws IOException {
        Held h = attached.get(key);
        if (h == null) {
            Volume v = stat(key);
            // Put first, so an interruption during attach still releases it.
            attached.put(key, new Held(v, null));
            VolumeAttachment a;
            try {
                a = VolumeAttachment.attach(target.root(), v, domain);
            } catch (IOException | RuntimeException e) {
                attached.remove(key); // attach undoes what it did before throwing
                throw e;
            }
            h = new Held(v, a);
            attached.put(key, h);
        }
        return h.attachment();
    }

    /** Deactivates and detaches {@code key} if this run holds it attached. */
    void release(String key) throws IOException {
        Held h = attached.remove(key);
        if (h != null && h.attachment() != null) {
            h.attachment().close();
        }
    }

    /** Releases every attachment held, attempting each; the first failure is thrown. */
    void releaseAll() throws IOException {
        IOException first = null;
        for (String key : new ArrayList<>(attached.keySet())) {
            try {
                release(key);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The volumes held attached now (for the interrupt handler). */
    List<Volume> held() {
        List<Volume> l = new ArrayList<>();
        attached.values().forEach(h -> l.add(h.volume()));
        return l;
    }

    /** From a shutdown hook: releases what is held through a fresh plugin tree, errors ignored. */
    void releaseOnInterrupt(PluginRoot root) {
        for (Volume v : held()) {
            StaleAttachment.release(root, v, domain);
        }
    }
}
