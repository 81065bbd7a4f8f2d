package io.postmortembridge.action;

import java.time.LocalDate;

/**
 * One row of a post-mortem's Actions table, as written.
 *
 * @param row    its number in the table, 1 for the first row under the header: how messages name it
 * @param action the action's text, on one line; "" when blank
 * @param owner  who owns it, as written
 * @param due    when it is due, as written
 * @param team   the Team column's text, or null when the table has no such column or the cell is blank
 */
public record ActionRow(int row, String action, Owner owner, Due due, String team) {

    public ActionRow {
        action = action == null ? "" : action;
    }

    /** The owner cell. */
    public sealed interface Owner {

        /** A Jira mention (ADF {@code mention} node): already an account. */
        record Mention(String accountId, String text) implements Owner {
        }

        /** More than one mention in the cell: an action has one owner. */
        record Several(java.util.List<String> names) implements Owner {
            public Several {
                names = java.util.List.copyOf(names);
            }
        }

        /** Typed text: an e-mail address, a display name, or something that is not a person ("TBD"). */
        record Written(String text) implements Owner {
        }

        /** An empty cell. */
        record Missing() implements Owner {
        }
    }

    /** The due cell. */
    public sealed interface Due {

        /** An ADF {@code date} node, or text that is an ISO date (2026-12-01). */
        record On(LocalDate date) implements Due {
        }

        /** Typed text that is not a date ("next sprint", "31/12"). */
        record Written(String text) implements Due {
        }

        /** An empty cell. */
        record Missing() implements Due {
        }
    }
}
