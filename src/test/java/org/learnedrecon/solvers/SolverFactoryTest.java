package org.learnedrecon.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.learnedrecon.solvers.classical.Cgls;
import org.learnedrecon.solvers.classical.FilteredBackProjection;
import org.learnedrecon.solvers.classical.Sirt;
import org.learnedrecon.solvers.classical.TotalVariation;

class SolverFactoryTest {

    @Test
    void namesGiveConfiguredSolvers() {
        FilteredBackProjection fbp = assertInstanceOf(FilteredBackProjection.class,
            SolverFactory.create("fbp", "Shepp-Logan", 1, 0));
        assertEquals(FilteredBackProjection.Filter.SHEPP_LOGAN, fbp.filter());
        Sirt sirt = assertInstanceOf(Sirt.class, SolverFactory.create("SIRT", "Ramp", 17, 0));
        assertEquals(17, sirt.iterations());
        assertEquals(23, assertInstanceOf(Cgls.class, SolverFactory.create("CGLS", "Ramp", 23, 0)).iterations());
        TotalVariation tv = assertInstanceOf(TotalVariation.class, SolverFactory.create(" TV ", "Ramp", 5, 0.25));
        assertEquals(0.25, tv.lambda());
        assertEquals(5, tv.iterations());
    }

    @Test
    void badParametersAreNamed() {
        assertMessage(IllegalArgumentException.class, "iterations=0", () -> SolverFactory.create("CGLS", "Ramp", 0, 0));
        assertMessage(IllegalArgumentException.class, "lambda=-1", () -> SolverFactory.create("TV", "Ramp", 5, -1));
        assertMessage(IllegalArgumentException.class, "Unknown solver 'ART'",
            () -> SolverFactory.create("ART", "Ramp", 5, 0));
        assertMessage(IllegalArgumentException.class, "Gauss", () -> SolverFactory.create("FBP", "Gauss", 5, 0));
        assertMessage(UnsupportedOperationException.class, "needs a model",
            () -> SolverFactory.create("Learned primal-dual", "Ramp", 5, 0));
    }

    private static void assertMessage(Class<? extends RuntimeException> type, String part, Runnable call) {
        RuntimeException e = assertThrows(type, call::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
}
