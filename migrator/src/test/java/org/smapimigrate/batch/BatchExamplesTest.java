package org.smapimigrate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * examples/batch stays valid: the job file reads, the units and the cron line run
 * 'smapi-migrate batch run JOBS --state DIR', the timer starts the service, and the playbook
 * (ansible is not installed here: parsed as YAML) runs the batch and fetches both summaries.
 */
class BatchExamplesTest {
    private static final Path DIR = Path.of("..", "examples", "batch");
    private static final String RUN = "/usr/bin/smapi-migrate batch run /etc/smapi-migrate/jobs.yaml"
            + " --state /var/lib/smapi-migrate";

    @Test
    void theJobFileReads() {
        assertEquals(3, JobFile.read(DIR.resolve("jobs.yaml")).size());
    }

    @Test
    void theServiceTimerAndCronLineRunTheBatch() throws Exception {
        String service = Files.readString(DIR.resolve("smapi-migrate-batch.service"));
        assertTrue(service.contains("\nExecStart=" + RUN + "\n"), service);
        assertTrue(service.contains("\nType=oneshot\n"));
        assertTrue(service.contains("\nSuccessExitStatus=3\n"), "work left by a closed window is not a failed unit");
        assertFalse(service.contains("PrivateDevices=yes"), "LVHD sources are block devices");
        assertFalse(service.contains("ProtectSystem=strict"), "targets must stay writable");
        String timer = Files.readString(DIR.resolve("smapi-migrate-batch.timer"));
        assertTrue(timer.contains("\nUnit=smapi-migrate-batch.service\n"));
        assertTrue(timer.contains("\nOnCalendar=*-*-* 22:00:00\n"));
        String cron = Files.readString(DIR.resolve("crontab"));
        List<String> lines = cron.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertEquals(1, lines.size());
        String[] f = lines.get(0).split("\\s+", 7);
        assertEquals(List.of("0", "22", "*", "*", "*", "root"), List.of(f).subList(0, 6));
        assertTrue(f[6].contains(RUN), f[6]);
    }

    @Test
    void thePlaybookRunsTheBatchOnEveryHostAndFetchesTheSummaries() throws Exception {
        JsonNode plays = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("ansible/batch.yml").toFile());
        assertEquals(1, plays.size());
        JsonNode play = plays.get(0);
        assertEquals("pool", play.get("hosts").asText());
        List<String> modules = new ArrayList<>();
        JsonNode run = null;
        JsonNode fetch = null;
        for (JsonNode t : play.get("tasks")) {
            t.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("ansible.builtin.")) {
                    modules.add(k);
                }
            });
            if (t.has("ansible.builtin.command")) {
                run = t.get("ansible.builtin.command").get("argv");
            }
            if (t.has("ansible.builtin.fetch")) {
                fetch = t;
            }
        }
        assertEquals(List.of("ansible.builtin.copy", "ansible.builtin.command", "ansible.builtin.fetch",
                "ansible.builtin.fail"), modules);
        assertEquals(List.of("/usr/bin/smapi-migrate", "batch", "run", "{{ jobs_path }}", "--state", "{{ state_dir }}",
                "--host", "{{ ansible_facts['hostname'] }}"), texts(run));
        assertEquals(List.of("summary.json", "summary.md", "summary.html"), texts(fetch.get("loop")));
        // where 'batch run' writes them: STATE/hosts/HOST/ (RunLock.hostDir), HOST the --host given above
        assertEquals("{{ state_dir }}/hosts/{{ ansible_facts['hostname'] }}/{{ item }}",
                fetch.get("ansible.builtin.fetch").get("src").asText());
        JsonNode fail = null;
        for (JsonNode t : play.get("tasks")) {
            if (t.has("ansible.builtin.fail")) {
                fail = t;
            }
        }
        assertEquals("batch_run.rc not in [0, 3]", fail.get("when").asText(), "a closed window is not a failure");
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }
}
