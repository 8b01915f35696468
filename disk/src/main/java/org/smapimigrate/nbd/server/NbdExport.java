package org.smapimigrate.nbd.server;

import java.util.Objects;
import org.smapimigrate.disk.VirtualDisk;

/**
 * One disk a server offers, under the name clients ask for (NBD_OPT_GO / EXPORT_NAME) and the
 * description NBD_OPT_LIST and NBD_INFO_DESCRIPTION show. The server only reads it.
 *
 * @param name        at most 4096 bytes of UTF-8 (proto.md "Conventions")
 * @param description free text, may be ""
 */
public record NbdExport(String name, String description, VirtualDisk disk) {
    public NbdExport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(disk, "disk");
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > org.smapimigrate.nbd.NbdProtocol.MAX_STRING) {
            throw new IllegalArgumentException("export name longer than 4096 bytes: " + name.substring(0, 40) + "...");
        }
    }
}
