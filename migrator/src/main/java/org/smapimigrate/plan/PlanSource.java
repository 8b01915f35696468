package org.smapimigrate.plan;

/** The source SR a plan reads, as its inventory named it. */
public record PlanSource(String path, String type, String uuid, String nameLabel) {
}
