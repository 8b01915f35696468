package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A task record (xapi-integration.md section 1 "Async calls and tasks"). {@code result} is the raw
 * XML-RPC fragment; {@link org.smapimigrate.xapi.wire.TaskResult#unwrap} reads it.
 */
public record Task(String ref, String uuid, String nameLabel, String status, double progress, String result,
                   List<String> errorInfo, Instant created, Instant finished) {

    public static Task of(String ref, JsonNode record) {
        Fields f = new Fields("task", record);
        return new Task(ref, f.str("uuid"), f.str("name_label"), f.str("status"), f.number("progress"),
                f.str("result"), f.strings("error_info"), f.time("created"), f.time("finished"));
    }

    public boolean isPending() {
        return "pending".equalsIgnoreCase(status) || "cancelling".equalsIgnoreCase(status);
    }
}
