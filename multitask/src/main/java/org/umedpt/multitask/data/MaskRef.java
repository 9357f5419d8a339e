package org.umedpt.multitask.data;

import java.util.List;

/**
 * The mask of one image: one file, or several per-instance files unioned into one (the DSB 2018
 * layout); {@code fillOutlines} fills closed outlines (HC18's ellipses) before mapping.
 */
public record MaskRef(List<ImageRef> parts, boolean fillOutlines) {
    public MaskRef {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("mask: no files");
    }

    @Override
    public String toString() {
        return parts.size() == 1 ? parts.get(0).toString() : parts.size() + " instance masks in " + parts.get(0).path().getParent();
    }
}
