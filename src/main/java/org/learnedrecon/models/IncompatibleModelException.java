package org.learnedrecon.models;

import java.io.IOException;

/** A readable model file that was trained for other physics or shapes than the data at hand. */
public class IncompatibleModelException extends IOException {

    private static final long serialVersionUID = 1L;

    public IncompatibleModelException(String message) {
        super(message);
    }
}
