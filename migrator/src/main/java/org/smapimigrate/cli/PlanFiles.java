package org.smapimigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.smapimigrate.plan.Plan;
import org.smapimigrate.plan.PlanFileException;
import org.smapimigrate.report.TerminalText;
import org.smapimigrate.plan.PlanJson;

/** Reads a plan file for a command, turning every way it can be wrong into one line naming the file. */
final class PlanFiles {
    private PlanFiles() {
    }

    static Plan read(Path file) {
        try {
            return PlanJson.read(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (PlanFileException e) {
            throw new UserError(file + ": not a plan: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": not a plan smapi-migrate can run: " + TerminalText.escape(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")
                    + "; make it again with 'smapi-migrate plan -o " + file + "'");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read: " + TerminalText.escape(e.getMessage()));
        }
    }
}
