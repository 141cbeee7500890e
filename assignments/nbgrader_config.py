# nbgrader configuration of the adamerging_nb course assignments (nbgrader 0.9).
# Run nbgrader from this folder (`cd assignments`): source notebooks live in source/<assignment>/<assignment>.ipynb,
# `nbgrader generate_assignment <assignment>` writes the student version to release/<assignment>/, submissions go
# to submitted/<student>/<assignment>/, and `nbgrader autograde <assignment>` grades them into autograded/ and
# gradebook.db (all of these are generated and git-ignored). See nbs/explanations/instructors.ipynb.
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

# nbgrader gives 0 points to a test cell that writes anything to stderr, a warning or a progress bar included.
# The kernels that nbgrader starts inherit these variables: no progress bars and no Python warnings while grading
# (students still see both when they work).
os.environ.setdefault("ADAMERGING_NO_PROGRESS", "1")
os.environ.setdefault("PYTHONWARNINGS", "ignore")

c.CourseDirectory.course_id = "adamerging_nb"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# generate_assignment registers the assignment in the gradebook itself (no `nbgrader db assignment add` needed)
c.GenerateAssignment.create_assignment = True

# what a student sees where a solution was
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding runs every cell on a fresh kernel. The slowest cell (assignment 5's three seeds) takes well under
# a minute on two CPU cores; the limit only stops a student's runaway loop.
c.Execute.timeout = 600
c.Execute.interrupt_on_timeout = True
