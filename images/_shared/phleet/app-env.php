<?php
// The app layer's variables; replaced by Phleet on every change (followed by a graceful reload).
return [];
