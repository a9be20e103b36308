package org.learnedrecon.acquisition;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The physics the training command knows: factories registered with {@link #register} plus those found by
 * {@link ServiceLoader} ({@code META-INF/services/org.learnedrecon.acquisition.PhysicsFactory}).
 */
public final class PhysicsCatalog {

    private static final Map<String, PhysicsFactory> REGISTERED = new TreeMap<>();

    private PhysicsCatalog() {
    }

    public static synchronized void register(PhysicsFactory factory) {
        REGISTERED.put(factory.name(), factory);
    }

    public static synchronized Map<String, PhysicsFactory> all() {
        Map<String, PhysicsFactory> all = new TreeMap<>();
        for (PhysicsFactory f : ServiceLoader.load(PhysicsFactory.class, PhysicsCatalog.class.getClassLoader())) {
            all.put(f.name(), f);
        }
        all.putAll(REGISTERED);
        return all;
    }

    public static PhysicsFactory find(String name) {
        Map<String, PhysicsFactory> all = all();
        PhysicsFactory factory = all.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("Unknown physics '" + name + "'; known: "
                + (all.isEmpty() ? "none registered" : String.join(", ", all.keySet())));
        }
        return factory;
    }
}
