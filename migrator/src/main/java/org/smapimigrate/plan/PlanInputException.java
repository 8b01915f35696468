package org.smapimigrate.plan;

/** The request names something the inventory does not have (a VDI uuid that is not in the SR). */
public class PlanInputException extends IllegalArgumentException {
    public PlanInputException(String message) {
        super(message);
    }
}
