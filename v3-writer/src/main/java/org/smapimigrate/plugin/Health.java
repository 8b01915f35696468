package org.smapimigrate.plugin;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An SR's health, the variant {@code ["Healthy",""]}, {@code ["Recovering", why]},
 * {@code ["Unreachable", why]} or {@code ["Unavailable", why]} (control.ml).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"state", "detail"})
public record Health(String state, String detail) {
    public boolean healthy() {
        return "Healthy".equals(state);
    }
}
