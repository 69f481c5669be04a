class WorkflowError(Exception):
    """An action that no longer applies, usually because someone else acted first.

    Its message is for the person who tried: it says what happened and that nothing
    was changed. Views show it as an error message on the object's page."""
