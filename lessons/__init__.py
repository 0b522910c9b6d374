"""Pipeline Lab: the logic shared by the lesson notebooks and the app.

Importing this package never starts a server, touches the network or needs Streamlit/IPython.
"""

from lessons.errors import LabError

__all__ = ["LabError"]
__version__ = "0.1.0"
