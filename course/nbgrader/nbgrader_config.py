"""nbgrader settings for the course folder (run nbgrader commands in this directory)."""

c = get_config()  # noqa: F821 - nbgrader provides get_config when it reads this file

c.CourseDirectory.course_id = "autodiff-viz"
c.CourseDirectory.root = "."
# the student's answer cell keeps its first line (q1 = ""); the solution becomes this note
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE: put it between the quotes above"}
