package org.learnedrecon.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The comparison's rows turned around, one table per scenario: each solver's mean PSNR on every test set, its mean
 * over the sets, and its margin over tuned TV on the set where it does worst. Tuned TV on a set is the best of the
 * scenario's TV rows there (each already the best of its lambdas on that set; in MRI complex and real-image TV, so
 * the stricter of the two), the per-set oracle issue 9's targets are stated against ("never below TV - 0.5 dB on a
 * held-out set"). A solver's label loses what changes from set to set (the lambda chosen, the choice's counts), so
 * its rows line up; a solver missing from a set gets "-" there and no mean.
 */
public final class PerSetSummary {

    /** A trailing "(best lambda 0.5)", "(lambda 2)", "(geometric mean lambda 1.0)" or "(chosen: ...)". */
    private static final Pattern PER_SET_SUFFIX = Pattern.compile(" \\((?:[^()]*lambda [^()]*|chosen: .*)\\)$");

    private PerSetSummary() {
    }

    /** The solver as labelled on every set: its label without the per-set suffix. */
    static String solver(String label) {
        return PER_SET_SUFFIX.matcher(label).replaceFirst("");
    }

    /** Whether {@code solver} is a TV row (TV at its best lambda, over real images, or fitting the noise). */
    static boolean isTv(String solver) {
        return solver.startsWith("TV ");
    }

    /** One markdown table per scenario, in the order the rows came. */
    public static String markdown(List<SolverComparison.Row> rows) {
        Map<String, List<SolverComparison.Row>> byScenario = new LinkedHashMap<>();
        rows.forEach(r -> byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r));
        StringBuilder s = new StringBuilder();
        byScenario.forEach((scenario, scenarioRows) -> table(s, scenario, scenarioRows));
        return s.toString();
    }

    private static void table(StringBuilder s, String scenario, List<SolverComparison.Row> rows) {
        List<String> sets = new ArrayList<>();
        Map<String, Map<String, Double>> psnr = new LinkedHashMap<>();
        Map<String, Double> tv = new LinkedHashMap<>();
        for (SolverComparison.Row r : rows) {
            if (!sets.contains(r.testSet())) {
                sets.add(r.testSet());
            }
            String solver = solver(r.solver());
            psnr.computeIfAbsent(solver, k -> new LinkedHashMap<>()).put(r.testSet(), r.psnr());
            if (isTv(solver)) {
                tv.merge(r.testSet(), r.psnr(), Math::max);
            }
        }
        s.append("\n| ").append(scenario);
        sets.forEach(set -> s.append(" | ").append(set));
        s.append(" | mean | worst set - tuned TV (dB) |\n|---");
        sets.forEach(set -> s.append("|---"));
        s.append("|---|---|\n");
        psnr.forEach((solver, bySet) -> {
            s.append("| ").append(solver);
            double sum = 0;
            double worst = Double.POSITIVE_INFINITY;
            boolean complete = true;
            for (String set : sets) {
                Double p = bySet.get(set);
                s.append(" | ").append(p == null ? "-" : String.format(Locale.ROOT, "%.2f", p));
                complete &= p != null;
                if (p != null) {
                    sum += p;
                    if (tv.containsKey(set)) {
                        worst = Math.min(worst, p - tv.get(set));
                    }
                }
            }
            s.append(" | ").append(complete ? String.format(Locale.ROOT, "%.2f", sum / sets.size()) : "-")
                .append(" | ").append(complete && tv.keySet().containsAll(sets)
                    ? String.format(Locale.ROOT, "%+.2f", worst) : "-").append(" |\n");
        });
    }
}
