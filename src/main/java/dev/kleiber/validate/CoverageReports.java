package dev.kleiber.validate;

import dev.kleiber.KleiberException;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds coverage reports where the usual tools write them and reads their line coverage: lcov
 * ({@code lcov.info}), Cobertura XML and JaCoCo XML. XML is read without DTDs and without external
 * entities, so a report cannot make Kleiber read other files or the network; a report that needs
 * them is refused as unreadable.
 */
final class CoverageReports {
    /** Where Jest, Vitest, c8, nyc, coverage.py, Maven and Gradle put their reports by default. */
    public static final List<String> USUAL_PLACES = List.of(
            "coverage/lcov.info", "lcov.info",
            "coverage/cobertura-coverage.xml", "coverage/cobertura.xml", "coverage/coverage.xml",
            "coverage.xml", "cobertura.xml", "target/site/cobertura/coverage.xml",
            "target/site/jacoco/jacoco.xml", "build/reports/jacoco/test/jacocoTestReport.xml",
            "build/reports/jacoco/jacoco.xml", "jacoco.xml");

    private CoverageReports() {
    }

    /**
     * The usual report files that exist under {@code root}, in {@link #USUAL_PLACES} order, then the reports a
     * monorepo's tools nest one or two folders deeper ({@code coverage/api/lcov.info},
     * {@code packages/ui/coverage/lcov.info}), in path order.
     */
    public static List<Path> find(Path root) {
        List<Path> found = new ArrayList<>();
        for (String place : USUAL_PLACES) {
            Path file = root.resolve(place);
            if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found.add(file);
            }
        }
        List<java.nio.file.PathMatcher> nested = NESTED_PLACES.stream()
                .map(p -> root.getFileSystem().getPathMatcher("glob:" + p)).toList();
        List<Path> deeper = new ArrayList<>();
        try {
            // One walk, four levels deep, never into dependencies or hidden folders.
            Files.walkFileTree(root, java.util.Set.of(), 4, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                    String name = dir.equals(root) ? "" : dir.getFileName().toString();
                    return name.equals("node_modules") || name.startsWith(".")
                            ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    Path relative = root.relativize(file);
                    if (attrs.isRegularFile() && nested.stream().anyMatch(m -> m.matches(relative)) && !found.contains(file)) {
                        deeper.add(file);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (java.io.IOException e) {
            // an unreadable folder holds no report Kleiber can read
        }
        deeper.stream().sorted().forEach(found::add);
        return found;
    }

    /** Where tools nest reports per package or project: {@code coverage/api/lcov.info}, {@code apps/web/coverage/lcov.info}. */
    static final List<String> NESTED_PLACES = List.of("coverage/*/lcov.info", "coverage/*/cobertura-coverage.xml",
            "*/coverage/lcov.info", "*/*/coverage/lcov.info", "coverage/*/*/lcov.info");

    /** Reads one report; its format comes from its content. {@code display} names it in messages. */
    public static CoverageReport read(Path file, String display) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw KleiberException.badInput(display + ": cannot read coverage report: " + e.getMessage());
        }
        return parse(text, display);
    }

    static CoverageReport parse(String text, String display) {
        String start = text.stripLeading();
        if (start.startsWith("<")) {
            return xml(text, display);
        }
        return lcov(text, display);
    }

    static CoverageReport lcov(String text, String display) {
        Map<String, Map<Integer, Boolean>> lines = new HashMap<>();
        long summaryFound = 0;
        long summaryHit = 0;
        String source = "";
        boolean sawDa = false;
        long recordFound = 0;
        long recordHit = 0;
        boolean any = false;
        String[] rows = text.split("\r?\n", -1);
        for (int i = 0; i < rows.length; i++) {
            String row = rows[i].strip();
            int lineNo = i + 1;
            if (row.startsWith("SF:")) {
                source = row.substring(3);
                sawDa = false;
                recordFound = 0;
                recordHit = 0;
                any = true;
            } else if (row.startsWith("DA:")) {
                String[] parts = row.substring(3).split(",");
                if (parts.length < 2) {
                    throw badLcov(display, lineNo, "DA:{line},{hits}", row);
                }
                int number = parseNumber(parts[0], display, lineNo, row);
                long hits = parseNumber(parts[1], display, lineNo, row);
                lines.computeIfAbsent(source, s -> new HashMap<>()).merge(number, hits > 0, Boolean::logicalOr);
                sawDa = true;
                any = true;
            } else if (row.startsWith("LF:")) {
                recordFound = parseNumber(row.substring(3), display, lineNo, row);
            } else if (row.startsWith("LH:")) {
                recordHit = parseNumber(row.substring(3), display, lineNo, row);
            } else if (row.equals("end_of_record")) {
                if (!sawDa) {
                    summaryFound += recordFound;
                    summaryHit += Math.min(recordHit, recordFound);
                }
                sawDa = false;
                recordFound = 0;
                recordHit = 0;
            }
        }
        if (!any) {
            throw KleiberException.badInput(display + ": not an lcov report (no SF: or DA: lines)");
        }
        long total = summaryFound;
        long covered = summaryHit;
        for (Map<Integer, Boolean> file : lines.values()) {
            total += file.size();
            covered += file.values().stream().filter(b -> b).count();
        }
        return new CoverageReport(display, CoverageReport.Format.LCOV, covered, total);
    }

    private static int parseNumber(String value, String display, int lineNo, String row) {
        try {
            long number = Long.parseLong(value.strip());
            if (number < 0) {
                throw badLcov(display, lineNo, "a count of zero or more", row);
            }
            return (int) Math.min(number, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            throw badLcov(display, lineNo, "a number", row);
        }
    }

    private static KleiberException badLcov(String display, int line, String expected, String found) {
        return KleiberException.badInput(display + " line " + line + ": expected " + expected + "; found '" + found + "'");
    }

    private static XMLStreamReader secureReader(String text) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resource refused: " + systemId);
        });
        return factory.createXMLStreamReader(new StringReader(text));
    }

    static CoverageReport xml(String text, String display) {
        try {
            XMLStreamReader reader = secureReader(text);
            try {
                while (reader.hasNext() && reader.next() != XMLStreamConstants.START_ELEMENT) {
                    if (reader.getEventType() == XMLStreamConstants.DTD && reader.getText().contains("<!ENTITY")) {
                        throw refusedEntities(display, reader);
                    }
                }
                if (!reader.isStartElement()) {
                    throw KleiberException.badInput(display + ": empty XML document");
                }
                CoverageReport report = switch (reader.getLocalName()) {
                    case "report" -> jacoco(reader, display);
                    case "coverage" -> cobertura(reader, display);
                    default -> throw KleiberException.badInput(display + ": expected a Cobertura <coverage> or JaCoCo "
                            + "<report> root element; found <" + reader.getLocalName() + ">");
                };
                // Read to the end: a document that is not well-formed, or refers to an entity, is refused whole.
                while (reader.hasNext()) {
                    next(reader, display);
                }
                return report;
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNumber();
            throw KleiberException.badInput(display + where + ": unreadable coverage XML (DTDs and external entities "
                    + "are not read): " + firstLine(e.getMessage()));
        }
    }

    /** The next event; an entity reference (never expanded) refuses the document. */
    private static int next(XMLStreamReader reader, String display) throws XMLStreamException {
        int event = reader.next();
        if (event == XMLStreamConstants.ENTITY_REFERENCE) {
            throw refusedEntities(display, reader);
        }
        return event;
    }

    private static KleiberException refusedEntities(String display, XMLStreamReader reader) {
        return KleiberException.badInput(display + " line " + reader.getLocation().getLineNumber()
                + ": unreadable coverage XML (DTDs and external entities are not read): it declares or uses XML "
                + "entities, which coverage reports never need");
    }

    private static CoverageReport jacoco(XMLStreamReader reader, String display) throws XMLStreamException {
        int depth = 1;
        while (reader.hasNext()) {
            int event = next(reader, display);
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
                if (depth == 2 && reader.getLocalName().equals("counter")
                        && "LINE".equals(reader.getAttributeValue(null, "type"))) {
                    long missed = attribute(reader, "missed", display);
                    long covered = attribute(reader, "covered", display);
                    return new CoverageReport(display, CoverageReport.Format.JACOCO, covered, covered + missed);
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        throw KleiberException.badInput(display + ": JaCoCo report without a report-level <counter type=\"LINE\">");
    }

    private static CoverageReport cobertura(XMLStreamReader reader, String display) throws XMLStreamException {
        String coveredAttribute = reader.getAttributeValue(null, "lines-covered");
        String validAttribute = reader.getAttributeValue(null, "lines-valid");
        if (coveredAttribute != null && validAttribute != null) {
            long covered = attribute(reader, "lines-covered", display);
            long valid = attribute(reader, "lines-valid", display);
            return new CoverageReport(display, CoverageReport.Format.COBERTURA, Math.min(covered, valid), valid);
        }
        Set<String> all = new HashSet<>();
        Set<String> hit = new HashSet<>();
        String file = "";
        while (reader.hasNext()) {
            if (next(reader, display) != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            if (reader.getLocalName().equals("class")) {
                file = String.valueOf(reader.getAttributeValue(null, "filename"));
            } else if (reader.getLocalName().equals("line")) {
                String key = file + ":" + reader.getAttributeValue(null, "number");
                all.add(key);
                if (attribute(reader, "hits", display) > 0) {
                    hit.add(key);
                }
            }
        }
        return new CoverageReport(display, CoverageReport.Format.COBERTURA, hit.size(), all.size());
    }

    private static long attribute(XMLStreamReader reader, String name, String display) {
        String value = reader.getAttributeValue(null, name);
        try {
            long number = Long.parseLong(value == null ? "" : value.strip());
            if (number < 0) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw KleiberException.badInput(display + " line " + reader.getLocation().getLineNumber() + ": <"
                    + reader.getLocalName() + "> attribute " + name + " must be a whole number >= 0; found "
                    + (value == null ? "nothing" : "'" + value + "'"));
        }
    }

    /** The JDK's "ParseError at [row,col]:[3,10]\nMessage: ..." reduced to its message. */
    private static String firstLine(String message) {
        String text = message == null ? "" : message.strip();
        int at = text.indexOf("Message:");
        return at < 0 ? text : text.substring(at + "Message:".length()).strip();
    }
}
