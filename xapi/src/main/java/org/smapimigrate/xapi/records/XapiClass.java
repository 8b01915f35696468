package org.smapimigrate.xapi.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiFunction;

/** A datamodel class by its wire name, and how to read its records. */
public record XapiClass<T>(String name, BiFunction<String, JsonNode, T> reader) {
    public static final XapiClass<Vm> VM = new XapiClass<>("VM", Vm::of);
    public static final XapiClass<Vbd> VBD = new XapiClass<>("VBD", Vbd::of);
    public static final XapiClass<Vdi> VDI = new XapiClass<>("VDI", Vdi::of);
    public static final XapiClass<Sr> SR = new XapiClass<>("SR", Sr::of);
    public static final XapiClass<Pbd> PBD = new XapiClass<>("PBD", Pbd::of);
    public static final XapiClass<Host> HOST = new XapiClass<>("host", Host::of);
    public static final XapiClass<Pool> POOL = new XapiClass<>("pool", Pool::of);
    public static final XapiClass<Sm> SM = new XapiClass<>("SM", Sm::of);
    public static final XapiClass<Task> TASK = new XapiClass<>("task", Task::of);

    public T read(String ref, JsonNode record) {
        return reader.apply(ref, record);
    }
}
